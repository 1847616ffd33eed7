using System.Buffers.Text;
using System.Text;
using Orchestrator.Api;
using Orchestrator.Api.Errors;

namespace Orchestrator.Store;

/// <summary>
/// The opaque <c>continue</c> token of a paged list: the resourceVersion the first page was read at and the key of the
/// last object returned, so the next page is read at the same version and starts after that key.
/// </summary>
internal readonly record struct ContinueToken(long ResourceVersion, ObjectKey After)
{
    private const string Prefix = "o1";

    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Prefix}\n{ResourceVersions.Format(ResourceVersion)}\n{After.Namespace}\n{After.Name}"));

    /// <exception cref="BadRequestException">The token was not produced by this store.</exception>
    public static ContinueToken Decode(string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('\n');
            if (parts.Length == 4 && parts[0] == Prefix && ResourceVersions.TryParse(parts[1], out var rv) && parts[3].Length > 0)
            {
                return new ContinueToken(rv, new ObjectKey(parts[2], parts[3]));
            }
        }
        catch (FormatException)
        {
        }
        throw new BadRequestException("continue key is not valid: it must be the continue token of a previous list page");
    }
}
