"""The demo paper's masthead, sections, staff, series and videos.

Everything here is invented: Alder Bay, its institutions, the countries of the
World section and every person named are fictional.
"""

from __future__ import annotations

from .schema import AuthorData, SeriesData, VideoData

SITE_NAME = "The Alder Bay Lantern"
TAGLINE = "Independent news from Alder Bay and the world since 1887"
HOME_INTRO = (
    "Reporting from City Hall to the Tessaly Strait, and on the climate that connects them."
)

# (slug, title, description) in the order the front page shows them.
SECTIONS = [
    (
        "city",
        "City",
        "City Hall, neighbourhoods, transit, schools and the people of Alder Bay.",
    ),
    (
        "world",
        "World",
        "Elections, diplomacy and daily life from Veskaria to the Lunmar Islands.",
    ),
    (
        "climate",
        "Climate",
        "Science, weather and the changing coast, explained by people who measure it.",
    ),
]

AUTHORS = [
    AuthorData(
        slug="tamsin-achterberg",
        name="Tamsin Achterberg",
        role="City Hall reporter",
        bio=(
            "<p>Tamsin Achterberg covers City Hall, transit and housing for the Lantern. "
            "She joined the paper in 2019 after six years on a regional wire desk, and "
            "lives in Millrace, two streets from the pipe that started <i>Under the "
            "Streets</i>.</p>"
        ),
        section="city",
    ),
    AuthorData(
        slug="idris-valcourt",
        name="Idris Valcourt",
        role="Foreign correspondent",
        bio=(
            "<p>Idris Valcourt is the Lantern's foreign correspondent, based in Kolvena. "
            "He has reported from around the Tessaly Strait for more than a decade and "
            "works in four of its languages.</p>"
        ),
        section="world",
    ),
    AuthorData(
        slug="noor-halvorsen",
        name="Noor Halvorsen",
        role="Climate and science reporter",
        bio=(
            "<p>Noor Halvorsen writes about climate, oceans and the science of a warming "
            "coast. Before journalism she spent five years counting seagrass shoots as a "
            "field technician at Ferrier University's Institute for Coastal Studies.</p>"
        ),
        section="climate",
    ),
    AuthorData(
        slug="rafael-quennell",
        name="Rafael Quennell",
        role="Data and investigations editor",
        bio=(
            "<p>Rafael Quennell leads the Lantern's data desk. He builds the paper's "
            "public-records requests, spreadsheets and charts, and edits its "
            "investigations. Tips are welcome at the investigations desk.</p>"
        ),
        section="city",
    ),
]

SERIES = [
    SeriesData(
        slug="under-the-streets",
        title="Under the Streets",
        kicker="A Lantern investigation",
        description=(
            "The pipes, drains and pump stations beneath Alder Bay were built for a "
            "smaller city and a calmer sea. The Lantern's data desk went through a "
            "century of repair records to find out what is failing, who knew, and "
            "what it will cost to fix."
        ),
        section="city",
        motif="chart",
    ),
    SeriesData(
        slug="the-retreating-coast",
        title="The Retreating Coast",
        kicker="A series on rising seas",
        description=(
            "From the Pier 9 tide gauge to the schoolyards of the Lunmar Islands, rising "
            "water is redrawing maps and budgets. This series follows the people "
            "measuring the sea, and the people deciding who moves and who pays."
        ),
        section="climate",
        motif="waves",
    ),
]

# Video files live in ``assets/<slug>.mp4``; durations are the clips' real lengths.
VIDEOS = [
    VideoData(
        slug="ice-core-lab",
        title="A thousand years of ice, one centimetre at a time",
        caption="In a freezer laboratory at Ferrier University, researchers slice cores "
        "drilled from the Northreach ice field.",
        duration_seconds=5,
        section="climate",
        hours_ago=26 * 24 + 3,
        motif="ridges",
        tags=("ice", "science"),
    ),
    VideoData(
        slug="tide-gauge-timelapse",
        title="Timelapse: a month of tides at the Pier 9 gauge",
        caption="Thirty days of high and low water at Alder Bay's oldest tide gauge, "
        "compressed into seconds.",
        duration_seconds=5,
        section="climate",
        hours_ago=22 * 24 + 5,
        motif="waves",
        tags=("sea level", "Pier 9"),
    ),
    VideoData(
        slug="pump-station-tour",
        title="Inside the Gullet Street pump station",
        caption="The station's 1924 pumps still move water out of the Narrows after every "
        "heavy storm.",
        duration_seconds=6,
        section="city",
        hours_ago=18 * 24 + 2,
        motif="skyline",
        tags=("water", "infrastructure"),
    ),
    VideoData(
        slug="night-market-returns",
        title="The Quayside night market returns",
        caption="Forty stalls, one generator and a queue for dumplings: the market's first "
        "night back.",
        duration_seconds=4,
        section="city",
        hours_ago=12 * 24 + 20,
        motif="skyline",
        tags=("food", "Quayside"),
    ),
    VideoData(
        slug="flood-barrier-explained",
        title="How the Alder Bay flood barrier would work",
        caption="An animated guide to the gates proposed for the mouth of the bay, and "
        "the tides they are designed to hold back.",
        duration_seconds=6,
        section="climate",
        hours_ago=6 * 24 + 4,
        motif="waves",
        tags=("flooding", "infrastructure"),
    ),
    VideoData(
        slug="darnaveh-count",
        title="Counting Sarvenia's vote by hand",
        caption="Volunteers and party observers in Darnaveh work through the night after "
        "the electronic tally was suspended.",
        duration_seconds=4,
        section="world",
        hours_ago=5 * 24 + 1,
        motif="atlas",
        tags=("elections", "Sarvenia"),
    ),
]
