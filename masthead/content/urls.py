from django.urls import path

from . import feeds, sitemaps, views

app_name = "content"

urlpatterns = [
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("series/<slug:slug>/", views.series_detail, name="series"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag"),
    path("videos/", views.video_list, name="videos"),
    path("videos/<slug:slug>/", views.video_detail, name="video"),
    # Syndication: feeds, sitemaps, robots.txt (masthead/content/feeds.py, sitemaps.py).
    path("feed/", feeds.site_rss, name="feed"),
    path("feed/atom/", feeds.site_atom, name="feed-atom"),
    path("sections/<slug:slug>/feed/", feeds.section_rss, name="section-feed"),
    path("sections/<slug:slug>/feed/atom/", feeds.section_atom, name="section-feed-atom"),
    path("series/<slug:slug>/feed/", feeds.series_rss, name="series-feed"),
    path("series/<slug:slug>/feed/atom/", feeds.series_atom, name="series-feed-atom"),
    path("authors/<slug:slug>/feed/", feeds.author_rss, name="author-feed"),
    path("authors/<slug:slug>/feed/atom/", feeds.author_atom, name="author-feed-atom"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news-sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
]
