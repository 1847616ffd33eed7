namespace Orchestrator.Scheduling;

/// <summary>Kubernetes' score normalizations, shared by plugins.</summary>
internal static class ScoreNormalization
{
    /// <summary>
    /// Kubernetes' <c>DefaultNormalizeScore</c>: scales scores so the highest becomes <see cref="IScorePlugin.MaxNodeScore"/>;
    /// with <paramref name="reverse"/>, a higher raw score ends lower. When every raw score is 0, all become 0, or
    /// <see cref="IScorePlugin.MaxNodeScore"/> when reversed.
    /// </summary>
    public static void Default(Span<long> scores, bool reverse)
    {
        long max = 0;
        foreach (var score in scores) max = Math.Max(max, score);
        if (max == 0)
        {
            if (reverse) scores.Fill(IScorePlugin.MaxNodeScore);
            return;
        }
        for (var i = 0; i < scores.Length; i++)
        {
            var scaled = IScorePlugin.MaxNodeScore * scores[i] / max;
            scores[i] = reverse ? IScorePlugin.MaxNodeScore - scaled : scaled;
        }
    }

    /// <summary>
    /// Maps scores linearly from [min, max] to [0, <see cref="IScorePlugin.MaxNodeScore"/>]; all 0 when they are equal
    /// (Kubernetes' inter-pod affinity normalization).
    /// </summary>
    public static void MinMax(Span<long> scores)
    {
        if (scores.IsEmpty) return;
        long min = long.MaxValue, max = long.MinValue;
        foreach (var score in scores)
        {
            min = Math.Min(min, score);
            max = Math.Max(max, score);
        }
        var range = max - min;
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = range == 0 ? 0 : (long)(IScorePlugin.MaxNodeScore * ((double)(scores[i] - min) / range));
        }
    }
}
