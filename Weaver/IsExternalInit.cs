namespace System.Runtime.CompilerServices
{
    /// <summary>Lets netstandard2.0 code declare records.</summary>
    internal static class IsExternalInit
    {
    }
}
