using System.Threading;

namespace WovenApp;

/// <summary>EnterScope scopes, in a using statement and a using declaration, taken in both orders.</summary>
public sealed class Registry
{
    private readonly Lock _names = new();
    private readonly Lock _ids = new();

    public void Rename()
    {
        using (_names.EnterScope())
        {
            using (_ids.EnterScope()) // runtime: Registry._ids under Registry._names
            {
            }
        }
    }

    public void Renumber()
    {
        using var ids = _ids.EnterScope(); // runtime: Registry._ids held for the reverse order
        using var names = _names.EnterScope(); // runtime: WARNING: circular, Registry
    }
}
