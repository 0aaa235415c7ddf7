import pytest


@pytest.fixture
def site_home(home):
    """Pages render inside the site's frame, which needs a site."""
    return home
