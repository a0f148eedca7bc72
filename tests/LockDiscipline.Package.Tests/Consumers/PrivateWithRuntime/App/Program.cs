using System;
using PrivateWithRuntime.Library;

namespace PrivateWithRuntime.App
{
    internal static class Program
    {
        private static int Main()
        {
            Console.WriteLine("generation: " + new Device().Reconfigure());
            Console.WriteLine("validated lock classes: " + Device.ValidatedLockClasses);
            Console.WriteLine("done");
            return 0;
        }
    }
}
