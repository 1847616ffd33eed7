using Orchestrator.Api;
using Orchestrator.Api.Defaulting;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Validation;

namespace Orchestrator.Store;

/// <summary>The write path: create, update, status update and delete, each validated, versioned and published.</summary>
/// <remarks>
/// Every write follows one pattern: read the stored object without a lock, check preconditions, and compute and
/// validate the new state; then, under the kind's lock, confirm that the stored object is still the one read (else
/// start over), take the next resourceVersion, store the new state and append it to the history. The expensive work
/// (defaulting, validation, comparisons) stays outside the lock, so the lock is held for a few hundred nanoseconds.
/// </remarks>
public sealed partial class InMemoryObjectStore
{
    private const string NameAlphabet = "bcdfghjklmnpqrstvwxz2456789";
    private const int GeneratedSuffixLength = 5;
    private const int MaxGenerateNamePrefixLength = 63 - GeneratedSuffixLength;
    private const int MaxNameAttempts = 8;

    private KubernetesObject Create(KubernetesObject obj)
    {
        var store = KindOf(obj);
        var kind = store.Kind;
        var meta = obj.Metadata;
        if (!string.IsNullOrEmpty(meta.ResourceVersion))
        {
            throw new BadRequestException("resourceVersion should not be set on objects to be created");
        }
        var generate = string.IsNullOrEmpty(meta.Name) && !string.IsNullOrEmpty(meta.GenerateName);
        var ns = kind.Namespaced ? meta.Namespace ?? "" : "";
        var name = generate ? GenerateName(store, ns, meta.GenerateName!) : meta.Name;
        // Objects of one namespace share its name's string instance: less memory, and faster sorting of lists.
        if (ns.Length > 0) ns = EnsureNamespaceAcceptsContent(store, ns, name ?? "");
        var prepared = obj with
        {
            Metadata = meta with
            {
                Name = name,
                Namespace = ns.Length > 0 ? ns : meta.Namespace,
                Uid = Guid.NewGuid().ToString(),
                CreationTimestamp = Now(),
                Generation = 1,
                DeletionTimestamp = null,
                DeletionGracePeriodSeconds = null,
            },
        };
        // Defaults may depend on the name and uid (a Job's generated selector does), so they apply after those are set.
        prepared = ObjectLifecycle.PrepareForCreate(ObjectDefaulter.ApplyDefaults(prepared));
        ObjectValidator.EnsureValid(prepared);
        var reserved = ReserveServiceAllocations(ref prepared, null);

        for (var attempt = 1; ; attempt++)
        {
            var key = ObjectKey.Of(prepared);
            KubernetesObject? created = null;
            lock (store.Gate)
            {
                if (store.Find(key) is null)
                {
                    var rv = Clock.Next();
                    created = WithResourceVersion(prepared, prepared.Metadata, rv);
                    store.Insert(key, created, rv);
                }
            }
            if (created is not null)
            {
                Committed(store, "create");
                return created;
            }
            if (!generate || attempt >= MaxNameAttempts)
            {
                _serviceAllocations.Release(reserved);
                throw new AlreadyExistsException(store.QualifiedResource, key.Namespace, key.Name);
            }
            prepared = prepared with { Metadata = prepared.Metadata with { Name = GenerateName(store, ns, meta.GenerateName!) } };
        }
    }

    private KubernetesObject Update(KubernetesObject obj)
    {
        var store = KindOf(obj);
        var kind = store.Kind;
        var key = KeyOf(kind, obj);
        while (true)
        {
            var slot = store.Find(key) ?? throw new NotFoundException(store.QualifiedResource, key.Namespace, key.Name);
            var stored = slot.Current;
            var sm = stored.Metadata;
            CheckPrecondition(store, key, obj.Metadata.ResourceVersion, sm);
            // Defaulting is idempotent and reads the spec, the labels and the name and uid (which an update keeps), so an
            // object that keeps the stored (already defaulted) spec and labels is its own defaulted form; this spares most
            // metadata-only updates the work. Otherwise it is defaulted as it will be stored, with the stored uid.
            var incoming = store.SpecOf(obj) is { } spec && ReferenceEquals(spec, store.SpecOf(stored)) && ReferenceEquals(obj.Metadata.Labels, sm.Labels)
                ? obj
                : ObjectDefaulter.ApplyDefaults(string.IsNullOrEmpty(obj.Metadata.Uid) ? obj with { Metadata = obj.Metadata with { Uid = sm.Uid } } : obj);
            incoming = PrepareServiceUpdate(incoming, stored);
            var im = incoming.Metadata;
            if (!string.IsNullOrEmpty(im.Uid) && im.Uid != sm.Uid)
            {
                throw Invalid(kind, key, "metadata.uid", $"Invalid value: \"{im.Uid}\": field is immutable");
            }
            if (sm.DeletionTimestamp is not null && !ReferenceEquals(im.Finalizers, sm.Finalizers) &&
                MetadataComparison.Added(sm.Finalizers, im.Finalizers) is { Count: > 0 } added)
            {
                throw Invalid(kind, key, "metadata.finalizers",
                    $"Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers [{string.Join(", ", added)}]");
            }
            var desiredUnchanged = incoming.DesiredStateEquals(stored);
            if (desiredUnchanged && MetadataComparison.ClientFieldsEqual(im, sm)) return stored;
            UpdateValidation.EnsureValid(incoming, stored, kind, desiredUnchanged);

            var status = store.StatusOf(stored);
            var body = ReferenceEquals(store.StatusOf(incoming), status) ? incoming : incoming.WithStatusOf(stored);
            var remove = ObjectLifecycle.ShouldRemoveAfterUpdate(incoming, sm);
            var reserved = remove ? ServiceHold.None : ReserveServiceAllocations(ref body, stored);
            KubernetesObject? result = null;
            lock (store.Gate)
            {
                if (!slot.Removed && ReferenceEquals(slot.Current, stored))
                {
                    var rv = Clock.Next();
                    result = body with
                    {
                        Metadata = im with
                        {
                            Namespace = sm.Namespace,
                            Uid = sm.Uid,
                            CreationTimestamp = sm.CreationTimestamp,
                            DeletionTimestamp = sm.DeletionTimestamp,
                            DeletionGracePeriodSeconds = sm.DeletionGracePeriodSeconds,
                            Generation = desiredUnchanged ? sm.Generation : sm.Generation + 1,
                            ResourceVersion = ResourceVersions.Format(rv),
                        },
                    };
                    if (remove) store.Remove(slot, result, rv);
                    else store.Replace(slot, result, rv);
                }
            }
            // Null: another writer replaced the object since it was read; check the precondition against the new state.
            if (result is null)
            {
                _serviceAllocations.Release(reserved);
                continue;
            }
            ServiceWritten(stored, result, remove);
            Committed(store, remove ? "delete" : "update");
            return result;
        }
    }

    private KubernetesObject UpdateStatus(KubernetesObject obj)
    {
        var store = KindOf(obj);
        var kind = store.Kind;
        if (!store.HasStatus) throw new BadRequestException($"{store.QualifiedResource} have no status");
        var key = KeyOf(kind, obj);
        var status = store.StatusOf(obj);
        while (true)
        {
            var slot = store.Find(key) ?? throw new NotFoundException(store.QualifiedResource, key.Namespace, key.Name);
            var stored = slot.Current;
            CheckPrecondition(store, key, obj.Metadata.ResourceVersion, stored.Metadata);
            var storedStatus = store.StatusOf(stored);
            if (ReferenceEquals(status, storedStatus) || Equals(status, storedStatus) || KubernetesJson.ContentEquals(status, storedStatus))
            {
                return stored;
            }
            var body = stored.WithStatusOf(obj);
            KubernetesObject? result = null;
            lock (store.Gate)
            {
                if (!slot.Removed && ReferenceEquals(slot.Current, stored))
                {
                    var rv = Clock.Next();
                    result = WithResourceVersion(body, stored.Metadata, rv);
                    store.Replace(slot, result, rv);
                }
            }
            if (result is null) continue;
            Committed(store, "update_status");
            return result;
        }
    }

    private KubernetesObject? Delete(ResourceKind kind, string? @namespace, string name, DeleteOptions? options)
    {
        var store = For(kind);
        var key = KeyFor(kind, @namespace, name);
        while (true)
        {
            var slot = store.Find(key) ?? throw new NotFoundException(store.QualifiedResource, key.Namespace, key.Name);
            var stored = slot.Current;
            var meta = stored.Metadata;
            if (!string.IsNullOrEmpty(options?.PreconditionUid) && options.PreconditionUid != meta.Uid)
            {
                throw new ConflictException($"Precondition failed: UID in precondition: {options.PreconditionUid}, UID in object meta: {meta.Uid}");
            }
            if (!string.IsNullOrEmpty(options?.PreconditionResourceVersion) && options.PreconditionResourceVersion != meta.ResourceVersion)
            {
                throw new ConflictException(
                    $"Precondition failed: ResourceVersion in precondition: {options.PreconditionResourceVersion}, ResourceVersion in object meta: {meta.ResourceVersion}");
            }
            var plan = ObjectLifecycle.PlanDeletion(stored, options, Now());
            if (plan.Action == DeletionAction.Unchanged) return stored;
            var body = plan.Object ?? stored;
            KubernetesObject? result = null;
            lock (store.Gate)
            {
                if (!slot.Removed && ReferenceEquals(slot.Current, stored))
                {
                    var rv = Clock.Next();
                    result = WithResourceVersion(body, body.Metadata, rv);
                    if (plan.Action == DeletionAction.Remove) store.Remove(slot, result, rv);
                    else store.Replace(slot, result, rv);
                }
            }
            if (result is null) continue;
            if (plan.Action == DeletionAction.Remove) ServiceWritten(stored, result, removed: true);
            Committed(store, "delete");
            return plan.Action == DeletionAction.Remove ? null : result;
        }
    }

    private static void CheckPrecondition(KindStore store, ObjectKey key, string? resourceVersion, ObjectMeta stored)
    {
        if (string.IsNullOrEmpty(resourceVersion) || string.Equals(resourceVersion, stored.ResourceVersion, StringComparison.Ordinal)) return;
        throw new ConflictException(
            $"Operation cannot be fulfilled on {store.QualifiedResource} \"{key.Name}\": the object has been modified; please apply your changes to the latest version and try again");
    }

    private static ValidationException Invalid(ResourceKind kind, ObjectKey key, string field, string reason) =>
        new(kind.Kind, key.Name, [new FieldError(field, reason)]);

    private static KubernetesObject WithResourceVersion(KubernetesObject obj, ObjectMeta meta, long rv) =>
        obj with { Metadata = meta with { ResourceVersion = ResourceVersions.Format(rv) } };

    private static ObjectKey KeyOf(ResourceKind kind, KubernetesObject obj) =>
        string.IsNullOrEmpty(obj.Metadata.Name)
            ? throw Invalid(kind, default, "metadata.name", "Required value: name is required")
            : KeyFor(kind, obj.Metadata.Namespace, obj.Metadata.Name);

    private static ObjectKey KeyFor(ResourceKind kind, string? @namespace, string name) =>
        new(kind.Namespaced ? @namespace ?? "" : "", name);

    /// <summary>Checks that <paramref name="ns"/> exists and is not terminating; returns its name's stored string instance.</summary>
    private string EnsureNamespaceAcceptsContent(KindStore store, string ns, string name)
    {
        if (_namespaces.Find(new ObjectKey("", ns))?.Current is not Namespace target) throw new NotFoundException("namespaces", null, ns);
        if (ObjectLifecycle.IsTerminating(target))
        {
            throw new ForbiddenException(
                $"{store.QualifiedResource} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated");
        }
        return target.Metadata.Name ?? ns;
    }

    private string GenerateName(KindStore store, string ns, string prefix)
    {
        if (prefix.Length > MaxGenerateNamePrefixLength) prefix = prefix[..MaxGenerateNamePrefixLength];
        string name;
        var attempts = 0;
        do
        {
            name = string.Create(prefix.Length + GeneratedSuffixLength, (Prefix: prefix, Store: this), static (span, state) =>
            {
                state.Prefix.AsSpan().CopyTo(span);
                state.Store.FillRandom(span[state.Prefix.Length..]);
            });
        }
        while (store.Find(new ObjectKey(ns, name)) is not null && ++attempts < MaxNameAttempts);
        return name;
    }

    private void FillRandom(Span<char> span)
    {
        if (_random is null)
        {
            for (var i = 0; i < span.Length; i++) span[i] = NameAlphabet[Random.Shared.Next(NameAlphabet.Length)];
            return;
        }
        lock (_randomGate)
        {
            for (var i = 0; i < span.Length; i++) span[i] = NameAlphabet[_random.Next(NameAlphabet.Length)];
        }
    }

    /// <summary>Now, truncated to whole seconds as Kubernetes stores timestamps.</summary>
    private DateTimeOffset Now()
    {
        var ticks = _time.GetUtcNow().UtcTicks;
        return new DateTimeOffset(ticks - ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    private void Committed(KindStore store, string verb)
    {
        store.Signal.Notify();
        Metrics.Write(store.Kind.Kind, verb);
    }
}
