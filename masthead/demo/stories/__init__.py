"""Every demo story, as data. ``STORIES`` are published; ``SCHEDULED`` goes live later."""

from . import city, city_life, city_series, climate, climate_more, world, world_more
from .city_life import SCHEDULED

STORIES = [
    *city_series.STORIES,
    *city.STORIES,
    *city_life.STORIES,
    *world.STORIES,
    *world_more.STORIES,
    *climate.STORIES,
    *climate_more.STORIES,
]

__all__ = ["SCHEDULED", "STORIES"]
