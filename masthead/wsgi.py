"""The WSGI application: the anonymous page cache in front of Django.

``masthead serve`` runs this under granian. Cached pages for anonymous
readers are answered by ``masthead.pagecache.app`` without entering Django;
everything else (and every miss) is Django itself.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings.base")

django_application = get_wsgi_application()


def _build():
    from masthead.pagecache.app import PageCacheApp

    return PageCacheApp(django_application)


application = _build()

# What is loaded by now (Django, Wagtail, our modules: some 200,000 objects)
# lives as long as the process. Frozen, it is left out of the collector's
# full passes, which took ~100 ms each on a 2-core machine (a stall for every
# request the worker holds) and now scan only what came after. Collected
# first, so that no garbage from start-up is kept for good.
gc.collect()
gc.freeze()
