using System.Globalization;
using System.Net;
using System.Text;

namespace Strata.Reports.Writers;

/// <summary>
/// A bar or line chart as inline SVG: no script, no network, readable in any browser and e-mail client that shows SVG.
/// Grouped bars (or one line) per series, a y axis with round ticks, a legend when there are several series.
/// </summary>
internal static class SvgChart
{
    private const int Width = 880;
    private const int Height = 360;
    private const int Left = 64;
    private const int Right = 16;
    private const int Top = 16;
    private const int Bottom = 72;
    /// <summary>Series colours, shared with the XLSX chart.</summary>
    internal static readonly string[] Palette = ["#2563eb", "#f97316", "#16a34a", "#dc2626", "#9333ea", "#0891b2", "#ca8a04", "#db2777"];

    public static string Render(ChartData data, string type, string yLabel)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Escape(yLabel)}\">");
        var max = data.Values.SelectMany(v => v).Select(v => v ?? 0).DefaultIfEmpty(0).Max();
        var step = NiceStep(max <= 0 ? 1 : max);
        var top = Math.Max(step, Math.Ceiling(max / step) * step);
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        double Y(decimal value) => Top + plotHeight - (double)(value / top) * plotHeight;

        for (var tick = 0m; tick <= top; tick += step)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(tick):0.#}\" y2=\"{Y(tick):0.#}\" stroke=\"#e5e7eb\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Y(tick) + 4:0.#}\" text-anchor=\"end\" font-size=\"11\" fill=\"#6b7280\">{tick:#,0.##}</text>");
        }

        var band = data.Categories.Count == 0 ? plotWidth : (double)plotWidth / data.Categories.Count;
        for (var c = 0; c < data.Categories.Count; c++)
        {
            var x = Left + (band * c) + (band / 2);
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{x:0.#}\" y=\"{Height - Bottom + 14}\" font-size=\"10\" fill=\"#374151\" text-anchor=\"end\" transform=\"rotate(-35 {x:0.#} {Height - Bottom + 14})\">{Escape(data.Categories[c])}</text>");
        }

        for (var s = 0; s < data.Names.Count; s++)
        {
            var colour = Palette[s % Palette.Length];
            if (type == "line")
            {
                var points = string.Join(' ', data.Values[s].Select((v, c) => v is null ? null : string.Create(CultureInfo.InvariantCulture, $"{Left + (band * c) + (band / 2):0.#},{Y(v.Value):0.#}")).Where(p => p is not null));
                svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{points}\"><title>{Escape(data.Names[s])}</title></polyline>");
                continue;
            }

            var barWidth = Math.Max(1, (band * 0.8) / data.Names.Count);
            for (var c = 0; c < data.Categories.Count; c++)
            {
                if (data.Values[s][c] is not { } value)
                {
                    continue;
                }

                var x = Left + (band * c) + (band * 0.1) + (barWidth * s);
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect class=\"bar\" x=\"{x:0.#}\" y=\"{Y(value):0.#}\" width=\"{barWidth:0.#}\" height=\"{Top + plotHeight - Y(value):0.#}\" fill=\"{colour}\"><title>{Escape(data.Names[s])} · {Escape(data.Categories[c])}: {value:#,0.##}</title></rect>");
            }
        }

        if (data.Names.Count > 1)
        {
            for (var s = 0; s < data.Names.Count; s++)
            {
                var x = Left + (s * 140);
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{Height - 14}\" width=\"10\" height=\"10\" fill=\"{Palette[s % Palette.Length]}\"/>");
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 14}\" y=\"{Height - 5}\" font-size=\"11\" fill=\"#374151\">{Escape(data.Names[s])}</text>");
            }
        }

        return svg.Append("</svg>").ToString();
    }

    private static decimal NiceStep(decimal max)
    {
        var raw = (double)max / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 2.5, 5, 10 }.Select(f => f * magnitude).First(s => s >= raw);
        return (decimal)Math.Max(step, 1e-6);
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
