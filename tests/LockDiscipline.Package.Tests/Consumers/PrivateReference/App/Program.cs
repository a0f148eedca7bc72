using System;
using PrivateReference.Library;

namespace PrivateReference.App
{
    internal static class Program
    {
        private static int Main()
        {
            var counter = new Counter();
            counter.Increment();
            Console.WriteLine("count: " + counter.Increment());
            Console.WriteLine("done");
            return 0;
        }
    }
}
