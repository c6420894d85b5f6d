using Microsoft.AspNetCore.Razor.TagHelpers;

namespace ReferralHub.Portal.Localisation;

/// <summary><c>&lt;hub-time at="@x.ChangedAt" /&gt;</c>: a moment as <see cref="HubTime.Tag"/> writes it (local time, then UTC).</summary>
[HtmlTargetElement("hub-time", TagStructure = TagStructure.WithoutEndTag)]
public sealed class HubTimeTagHelper(HubTime time) : TagHelper
{
    /// <summary>The moment, in UTC (the services' times are).</summary>
    public DateTime At { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        output.TagName = null;
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Content.SetHtmlContent(time.Tag(At));
    }
}
