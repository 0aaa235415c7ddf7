"""Climate: ice, tides and the flood barrier (two of them in "The Retreating Coast")."""

from ..schema import Figure, Story, figure, h, p, quote, video

STORIES = [
    Story(
        slug="northreach-ice-cores",
        section="climate",
        title="Ice cores from the Northreach field hold a thousand-year record of volcanic winters",
        deck=(
            "Layers of ash and sulphate, counted one year at a time, show when eruptions "
            "cooled the region, and how much faster it is warming now."
        ),
        authors=("noor-halvorsen",),
        hours_ago=627,
        tags=("science", "ice"),
        lead=Figure(
            motif="ridges",
            alt="Layered mountain ridges fading into haze, with snow on the far peaks.",
            caption="The Northreach ice field, where the cores were drilled in 2021 and 2023.",
        ),
        body=[
            p(
                "In a freezer room kept at minus 25 degrees at Ferrier University, "
                "glaciologist Sigrun Adebayo-Holt lifts a cylinder of ice the length of "
                "her arm onto a steel bench and points to a faint grey band. \u201cThat,"
                "\u201d she says, \u201cis a summer that never came.\u201d"
            ),
            p(
                "The band is volcanic ash, and it is one of 31 eruptions that her team "
                "has identified in two cores drilled through the Northreach ice field. "
                "Their results, published in the journal <i>Polar Archives</i>, give "
                "the region its first year-by-year climate record stretching back "
                "a thousand years."
            ),
            video("ice-core-lab"),
            p(
                "By measuring the chemistry of each annual layer, the team reconstructed "
                "summer temperatures. The biggest eruptions cooled the region by up to "
                "1.5 degrees for two or three years, matching accounts of failed harvests "
                "in old parish records."
            ),
            quote(
                "The volcanoes give us a ruler. We can see how big a natural shock "
                "looks, and the warming of the last 40 years is bigger than any of "
                "them, and it [the warming] is not going away after three years.",
                "Sigrun Adebayo-Holt, glaciologist, Ferrier University",
            ),
            h("Racing the melt"),
            p(
                "The researchers say the top of the record is already being lost. "
                "Summer melt now percolates several metres into the ice field, smearing "
                "the most recent layers. Cores drilled in a decade may not contain a "
                "readable record of the present at all."
            ),
            p(
                "Half of each core is kept in an archive freezer for future techniques. "
                "\u201cWe are saving ice for scientists who have not been born yet,\u201d "
                "Dr. Adebayo-Holt said."
            ),
        ],
    ),
    Story(
        slug="pier-9-tide-gauge-record",
        section="climate",
        title="Pier 9 tide gauge logs its highest monthly average in 140 years of records",
        deck=(
            "Alder Bay's oldest instrument shows the sea has risen 24 centimetres since "
            "it was installed, and the rise is accelerating."
        ),
        authors=("noor-halvorsen",),
        hours_ago=533,
        series="the-retreating-coast",
        tags=("sea level", "Pier 9", "flooding"),
        lead=Figure(
            motif="chart",
            alt="A bar chart of monthly sea level, the final months highlighted in red.",
            caption="Monthly mean sea level at Pier 9, relative to the gauge's first decade.",
        ),
        body=[
            p(
                "The tide gauge at the end of Pier 9 is not much to look at: a steel "
                "pipe bolted to a pile, a small hut with a solar panel, and a brass "
                "benchmark set into the concrete in 1884. It has recorded the height "
                "of the sea in Alder Bay every hour since."
            ),
            p(
                "Last month, the average level it recorded was the highest in its "
                "history, 24 centimetres above the average of its first decade, "
                "according to data released by the Bay Meteorological Office."
            ),
            video("tide-gauge-timelapse"),
            quote(
                "A long record like this is gold. You cannot argue with a brass mark "
                "[in the pier] that has been there since before anyone alive was born.",
                "Caspian Odhiambo, oceanographer at the Bay Meteorological Office",
            ),
            h("Faster than before"),
            p(
                "For most of the 20th century the sea at Pier 9 rose by about 1.4 "
                "millimetres a year. Over the last 30 years the rate has been about "
                "3.5 millimetres a year, in line with the global trend, and part of "
                "the land around the bay is also slowly sinking."
            ),
            p(
                "Higher average seas mean more frequent nuisance flooding at high tide. "
                "The low-lying Narrows, kept dry by a century-old pump station on "
                "Gullet Street, saw 23 days of tidal flooding on at least one street "
                "last year, up from four in 2000."
            ),
            p(
                "The gauge's full hourly record is available on the "
                '<a href="https://baymet.example/tides/pier-9">meteorological office\'s '
                "website</a>. This story is the first in <i>The Retreating Coast</i>, "
                "a series on what rising seas mean for the bay and beyond."
            ),
        ],
    ),
    Story(
        slug="flood-barrier-choice",
        section="climate",
        title="The flood barrier Alder Bay voted for, and the one it may need",
        deck=(
            "Engineers say the gates approved in 2014 were designed for a sea half a "
            "metre lower than the one now forecast for the end of the century."
        ),
        authors=("noor-halvorsen", "tamsin-achterberg"),
        hours_ago=148,
        series="the-retreating-coast",
        tags=("flooding", "infrastructure", "sea level"),
        lead=Figure(
            motif="waves",
            alt="Blue swells layered in bands, climbing towards a pale sun.",
            caption="The barrier would span the 900-metre mouth of the bay.",
        ),
        body=[
            p(
                "In 2014, Alder Bay voters approved a bond to build a flood barrier "
                "across the mouth of the bay: a row of steel gates that would lie on "
                "the seabed and rise to close the harbour when a storm surge threatens."
            ),
            p(
                "Ten years on, the design is finished, the first contracts are ready "
                "to sign, and a review by the city's own consulting engineers says the "
                "barrier may be too low before it is built."
            ),
            video("flood-barrier-explained"),
            p(
                "The review, obtained by the Lantern, found that the gates were designed "
                "for a sea-level rise of 40 centimetres by 2100. Current projections for "
                "the bay range from 55 centimetres to more than a metre, depending on "
                "emissions and on how fast the land sinks. The record set at "
                '<a href="story:pier-9-tide-gauge-record">the Pier 9 gauge</a> sits at '
                "the upper end of the older forecasts."
            ),
            quote(
                "A barrier is a hundred-year decision. Designing it [for] the sea we "
                "expected in 2010 would be a mistake we could not undo.",
                "Beatrix Lund, coastal engineer and co-author of the review",
            ),
            h("Three options"),
            p(
                "The review sets out three options: build as designed and raise the "
                "gates later, at a cost the engineers estimate at twice the saving; "
                "redesign now, delaying construction by two years; or build taller "
                "foundations now and taller gates later."
            ),
            p(
                "The mayor's office said it would present the review to the council "
                "alongside a recommendation. Councillor Hana Brisbois said residents "
                "of the Narrows \u201chave waited long enough, and deserve something "
                "that will still work when their grandchildren live here\u201d."
            ),
            p(
                "The city will hold a public meeting on the options at the Eastbank "
                "community centre. Details are on the "
                '<a href="https://alderbay.example/flood-barrier">city\'s project '
                "page</a>."
            ),
        ],
    ),
    Story(
        slug="saltmarsh-seagrass-returns",
        section="climate",
        title="Seagrass is returning to the Saltmarsh Flats, surveys show",
        deck=(
            "Meadows that all but vanished in the 1990s now cover 40 hectares, helped by "
            "cleaner water and volunteers planting seeds by hand."
        ),
        authors=("noor-halvorsen",),
        hours_ago=391,
        tags=("oceans", "nature", "science"),
        lead=Figure(
            motif="waves",
            alt="Calm layered water in greens and blues under a soft sun.",
            caption="Seagrass at low tide on the Saltmarsh Flats.",
        ),
        body=[
            p(
                "At low tide on the Saltmarsh Flats, the mud is no longer bare. Ribbons "
                "of green lie flat in the shallow pools, and when the water returns "
                "they lift and sway. A decade ago, surveyors found almost none."
            ),
            p(
                "A survey by Ferrier University's Institute for Coastal Studies found "
                "40 hectares of seagrass meadow on the flats this summer, up from less "
                "than 2 hectares in 2012. The meadows now cover about a fifth of their "
                "extent in the 1950s, when they were first mapped."
            ),
            figure(
                "atlas",
                "An abstract map of contoured patches spreading across a bay.",
                "Seagrass extent on the Saltmarsh Flats, from aerial surveys.",
            ),
            quote(
                "Seagrass is a nursery for fish, it holds the mud in place, and it "
                "stores carbon. It [the meadow] is doing three jobs for free.",
                "Amara Lindgren, marine ecologist at the Institute for Coastal Studies",
            ),
            h("Cleaner water, many hands"),
            p(
                "Researchers credit two changes. A sewage treatment upgrade finished in "
                "2014 cut the nutrients that fed algae blooms and clouded the water. "
                "And since 2016, volunteers have collected seeds from surviving meadows "
                "and planted them in hessian bags on the mud."
            ),
            p(
                "More than 2,000 people have joined the planting days, organised by "
                "the Saltmarsh Trust. \u201cYou plant a bag of mud in the rain and "
                "three years later there is a meadow,\u201d said volunteer Ottilie "
                "Marsh, 71."
            ),
            p(
                "The recovery is fragile. A single hot summer killed patches in 2019, "
                "and boat moorings still scar the beds. The trust is asking the harbour "
                "authority to switch to moorings that do not drag on the seabed."
            ),
        ],
    ),
]
