namespace LockDiscipline.Generator
{
    /// <summary>Names of the pipeline steps, for tests that check what an edit lets the driver reuse.</summary>
    internal static class TrackingNames
    {
        public const string Settings = "LockDiscipline.Settings";
        public const string ReferencedAnnotatedNames = "LockDiscipline.ReferencedAnnotatedNames";
        public const string AnnotatedNames = "LockDiscipline.AnnotatedNames";
        public const string Candidates = "LockDiscipline.Candidates";
        public const string FilteredCandidates = "LockDiscipline.FilteredCandidates";
        public const string BoundCalls = "LockDiscipline.BoundCalls";
        public const string CheckedCalls = "LockDiscipline.CheckedCalls";
        public const string Registry = "LockDiscipline.Registry";
    }
}
