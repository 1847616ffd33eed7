using System.Collections.Immutable;
using System.Text;
using Orchestrator.Api;
using Orchestrator.Api.Validation;
using Orchestrator.Store;
using static Orchestrator.Tests.Store.StoreTestKit;

namespace Orchestrator.Tests.Store;

/// <summary>Updates checked against the stored object: immutable ConfigMaps and Secrets.</summary>
public sealed class UpdateValidationTests
{
    private const string Reason = "Forbidden: field is immutable when `immutable` is set";

    private static ConfigMap NewConfigMap(bool? immutable) => new()
    {
        Metadata = new ObjectMeta { Name = "cfg", Namespace = "default" },
        Data = ImmutableDictionary<string, string>.Empty.Add("color", "blue"),
        BinaryData = ImmutableDictionary<string, byte[]>.Empty.Add("blob", [1, 2]),
        Immutable = immutable,
    };

    private static Secret NewSecret(bool? immutable) => new()
    {
        Metadata = new ObjectMeta { Name = "sec", Namespace = "default" },
        Data = ImmutableDictionary<string, byte[]>.Empty.Add("password", Encoding.UTF8.GetBytes("s3cret")),
        Immutable = immutable,
    };

    private static IEnumerable<TestCaseData> ForbiddenConfigMapChanges()
    {
        yield return new TestCaseData((Func<ConfigMap, ConfigMap>)(c => c with { Data = c.Data.ToImmutableDictionary().SetItem("color", "red") }), "data")
            .SetArgDisplayNames("data changed");
        yield return new TestCaseData((Func<ConfigMap, ConfigMap>)(c => c with { Data = c.Data.ToImmutableDictionary().Add("size", "xl") }), "data")
            .SetArgDisplayNames("data key added");
        yield return new TestCaseData((Func<ConfigMap, ConfigMap>)(c => c with { BinaryData = ImmutableDictionary<string, byte[]>.Empty.Add("blob", [9]) }), "binaryData")
            .SetArgDisplayNames("binaryData changed");
        yield return new TestCaseData((Func<ConfigMap, ConfigMap>)(c => c with { Immutable = false }), "immutable").SetArgDisplayNames("immutable false");
        yield return new TestCaseData((Func<ConfigMap, ConfigMap>)(c => c with { Immutable = null }), "immutable").SetArgDisplayNames("immutable unset");
    }

    [TestCaseSource(nameof(ForbiddenConfigMapChanges))]
    public async Task UpdateAsync_ImmutableConfigMapDataOrFlagChanged_IsRejectedNamingTheField(Func<ConfigMap, ConfigMap> change, string field)
    {
        using var store = NewStore();
        var stored = await store.CreateAsync<ConfigMap>(NewConfigMap(immutable: true), Deadline());

        var error = Assert.ThrowsAsync<ValidationException>(async () => await store.UpdateAsync<ConfigMap>(change(stored), Deadline()));

        Assert.That(error!.Code, Is.EqualTo(422));
        Assert.That(error.Errors, Is.EqualTo(new[] { new FieldError(field, Reason) }));
        Assert.That((await store.GetAsync<ConfigMap>("default", "cfg", Deadline()))!.Data["color"], Is.EqualTo("blue"), "nothing stored");
    }

    [Test]
    public async Task UpdateAsync_ImmutableConfigMapMetadataChanged_IsStoredAndDeleteWorks()
    {
        using var store = NewStore();
        var stored = await store.CreateAsync<ConfigMap>(NewConfigMap(immutable: true), Deadline());

        var updated = await store.UpdateAsync<ConfigMap>(stored.WithLabel("tier", "fe").WithAnnotation("note", "hi"), Deadline());
        await store.DeleteAsync<ConfigMap>("default", "cfg", cancellationToken: Deadline());

        Assert.That(updated.Metadata.Labels["tier"], Is.EqualTo("fe"));
        Assert.That(await store.GetAsync<ConfigMap>("default", "cfg", Deadline()), Is.Null);
    }

    [Test]
    public async Task UpdateAsync_MutableConfigMap_CanChangeDataAndBecomeImmutable()
    {
        using var store = NewStore();
        var stored = await store.CreateAsync<ConfigMap>(NewConfigMap(immutable: false), Deadline());

        var updated = await store.UpdateAsync<ConfigMap>(stored with { Data = ImmutableDictionary<string, string>.Empty.Add("color", "red"), Immutable = true }, Deadline());

        Assert.That((updated.Data["color"], updated.Immutable), Is.EqualTo(("red", (bool?)true)));
    }

    [Test]
    public async Task UpdateAsync_ImmutableSecretDataOrStringDataChanged_IsRejectedWithoutTheValues()
    {
        using var store = NewStore();
        var stored = await store.CreateAsync<Secret>(NewSecret(immutable: true), Deadline());

        var viaData = Assert.ThrowsAsync<ValidationException>(async () => await
            store.UpdateAsync<Secret>(stored with { Data = ImmutableDictionary<string, byte[]>.Empty.Add("password", Encoding.UTF8.GetBytes("hunter2")) }, Deadline()));
        var viaStringData = Assert.ThrowsAsync<ValidationException>(async () => await
            store.UpdateAsync<Secret>(stored with { StringData = ImmutableDictionary<string, string>.Empty.Add("user", "admin") }, Deadline()));
        var unfrozen = Assert.ThrowsAsync<ValidationException>(async () => await store.UpdateAsync<Secret>(stored with { Immutable = false }, Deadline()));

        Assert.That(viaData!.Errors, Is.EqualTo(new[] { new FieldError("data", Reason) }));
        Assert.That(viaStringData!.Errors, Is.EqualTo(new[] { new FieldError("data", Reason) }));
        Assert.That(unfrozen!.Errors, Is.EqualTo(new[] { new FieldError("immutable", Reason) }));
        Assert.That(viaData.Message + viaStringData.Message, Does.Not.Contain("hunter2").And.Not.Contain("admin"));
        var relabelled = await store.UpdateAsync<Secret>(stored.WithLabel("tier", "fe"), Deadline());
        Assert.That(relabelled.GetString("password"), Is.EqualTo("s3cret"), "metadata changes are allowed");
    }

    [Test]
    public async Task UpdateAsync_SecretTypeChanged_IsRejectedAsImmutable()
    {
        using var store = NewStore();
        var stored = await store.CreateAsync<Secret>(NewSecret(immutable: null), Deadline());

        var error = Assert.ThrowsAsync<ValidationException>(async () => await
            store.UpdateAsync<Secret>(stored with { Type = "example.com/other" }, Deadline()));

        Assert.That(error!.Errors, Is.EqualTo(new[] { new FieldError("type", "Invalid value: \"example.com/other\": field is immutable") }));
    }

    [Test]
    public async Task CreateAndUpdate_CronJobWithInvalidSchedule_AreRejectedNamingSpecSchedule()
    {
        using var store = NewStore();
        var valid = Orchestrator.Tests.Api.Workloads.WorkloadFixtures.ValidCronJob with { Metadata = new ObjectMeta { Name = "nightly", Namespace = "default" } };
        var created = await store.CreateAsync<CronJob>(valid, Deadline());

        var onCreate = Assert.ThrowsAsync<ValidationException>(async () => await
            store.CreateAsync<CronJob>(valid with { Metadata = new ObjectMeta { Name = "broken", Namespace = "default" }, Spec = valid.Spec with { Schedule = "61 * * * *" } }, Deadline()));
        var onUpdate = Assert.ThrowsAsync<ValidationException>(async () => await
            store.UpdateAsync<CronJob>(created with { Spec = created.Spec with { Schedule = "0 0 * * 8" } }, Deadline()));
        var badZone = Assert.ThrowsAsync<ValidationException>(async () => await
            store.UpdateAsync<CronJob>(created with { Spec = created.Spec with { TimeZone = "Europe/Atlantis" } }, Deadline()));

        Assert.That(onCreate!.Code, Is.EqualTo(422));
        Assert.That(onCreate.Errors.Single().ToString(),
            Is.EqualTo("spec.schedule: Invalid value: \"61 * * * *\": minute field at position 0: \"61\": end of range (61) above maximum (59)"));
        Assert.That(onUpdate!.Errors.Single().ToString(),
            Is.EqualTo("spec.schedule: Invalid value: \"0 0 * * 8\": day of week field at position 8: \"8\": end of range (8) above maximum (6)"));
        Assert.That(badZone!.Errors.Single().ToString(), Is.EqualTo("spec.timeZone: Invalid value: \"Europe/Atlantis\": unknown time zone Europe/Atlantis"));
    }
}
