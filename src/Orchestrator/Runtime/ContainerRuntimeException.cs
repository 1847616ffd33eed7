namespace Orchestrator.Runtime;

/// <summary>
/// A runtime operation failed. The message is shown to users in container states and events, so it must be short,
/// specific and never contain secret values.
/// </summary>
public class ContainerRuntimeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ContainerRuntimeException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

/// <summary>An image could not be pulled (the agent reports <c>ErrImagePull</c>, then <c>ImagePullBackOff</c>).</summary>
public sealed class ImagePullException : ContainerRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public ImagePullException(string image, string message, Exception? inner = null) : base(message, inner) => Image = image;

    /// <summary>The image that could not be pulled.</summary>
    public string Image { get; }
}
