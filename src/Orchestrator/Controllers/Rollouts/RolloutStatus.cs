namespace Orchestrator.Controllers;

/// <summary>Where a Deployment's rollout stands, as <c>kubectl rollout status</c> reports it.</summary>
/// <param name="IsComplete">True once every replica runs the current template and is available.</param>
/// <param name="Message">
/// What the rollout waits for, e.g. <c>Waiting for deployment "web" rollout to finish: 2 out of 3 new replicas have been
/// updated...</c>, or <c>deployment "web" successfully rolled out</c>.
/// </param>
public sealed record RolloutStatus(bool IsComplete, string Message);
