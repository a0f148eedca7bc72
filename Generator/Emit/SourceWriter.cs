using System.Text;

namespace LockDiscipline.Generator.Emit
{
    /// <summary>A string builder that indents by blocks, with <c>\n</c> line ends on every platform so output is byte-identical everywhere.</summary>
    internal sealed class SourceWriter
    {
        private readonly StringBuilder _text = new StringBuilder();
        private int _depth;

        public void Line(string line = "")
        {
            if (line.Length > 0)
            {
                _text.Append(' ', _depth * 4).Append(line);
            }

            _text.Append('\n');
        }

        public void Open(string line)
        {
            Line(line);
            Line("{");
            _depth++;
        }

        public void Open()
        {
            Line("{");
            _depth++;
        }

        public void Close(string suffix = "")
        {
            _depth--;
            Line("}" + suffix);
        }

        public override string ToString() => _text.ToString();
    }
}
