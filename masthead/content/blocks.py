"""StreamField blocks of a story body: what an editor can put between paragraphs."""

from __future__ import annotations

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

BODY_FEATURES = ["bold", "italic", "link", "ol", "ul", "superscript", "subscript"]


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "content/blocks/quote.html"


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        required=False,
        max_length=250,
        help_text="Describe the picture for readers who cannot see it.",
    )
    caption = blocks.CharBlock(required=False, max_length=300)
    credit = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "image"
        template = "content/blocks/figure.html"


class VideoBlock(blocks.StructBlock):
    video = SnippetChooserBlock("content.Video")

    class Meta:
        icon = "media"
        template = "content/blocks/video.html"


class NewsletterSignupBlock(blocks.StructBlock):
    """A newsletter's sign-up box inside a story (the same box for every reader)."""

    newsletter = SnippetChooserBlock("newsletters.Newsletter")

    class Meta:
        icon = "mail"
        label = "Newsletter sign-up"
        template = "newsletters/blocks/signup.html"


class StoryBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=BODY_FEATURES, template="content/blocks/paragraph.html"
    )
    heading = blocks.CharBlock(max_length=120, template="content/blocks/heading.html", icon="title")
    quote = QuoteBlock()
    image = FigureBlock()
    video = VideoBlock()
    embed = EmbedBlock(
        help_text="A link to a post or video on another site (oEmbed).",
        template="content/blocks/embed.html",
    )
    newsletter_signup = NewsletterSignupBlock()
