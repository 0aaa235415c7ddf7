"""Climate: heat, energy, fisheries and glaciers."""

from ..schema import Figure, Story, figure, h, p, quote

STORIES = [
    Story(
        slug="warmest-month-night-heat",
        section="climate",
        title="Alder Bay just had its warmest month on record, and the nights drove it",
        deck=(
            "Daytime highs were unremarkable. Overnight lows were 3.1 degrees above "
            "normal, and doctors say that is the heat that hurts."
        ),
        authors=("noor-halvorsen", "rafael-quennell"),
        hours_ago=267,
        tags=("heat", "health", "weather"),
        lead=Figure(
            motif="stripes",
            alt="Vertical stripes running from deep blue on the left to deep red on the right.",
            caption="Each stripe is one year of average temperature in Alder Bay since 1944.",
        ),
        body=[
            p(
                "Last month was the warmest in Alder Bay since records began at the "
                "airport in 1944, the Bay Meteorological Office said, with an average "
                "temperature 2.2 degrees above the 1991\u20132020 normal."
            ),
            p(
                "What made it unusual was when the heat came. Afternoon highs were only "
                "slightly above normal. But on 19 nights the temperature never fell "
                "below 20 degrees, which had happened on only 31 nights in total in "
                "the previous 50 years."
            ),
            quote(
                "Bodies recover from hot days at night. When the night does not cool "
                "down, older people [and] people with heart conditions never get that "
                "break, and that is when we see them in the emergency department.",
                "Dr. Henrietta Mbeki, emergency physician at Alder Bay General Hospital",
            ),
            h("Concrete and water"),
            p(
                "Meteorologists point to two causes. Sea surface temperatures in the "
                "bay were unusually high, keeping the air moist and warm after dark. And "
                "the city itself stores heat: the Lantern's analysis of satellite "
                "surface temperatures found central districts stayed up to 6 degrees "
                "warmer at night than the wooded hills north of the city."
            ),
            figure(
                "chart",
                "A chart with bars rising to the right and the final value circled.",
                "Nights above 20 degrees per year, Alder Bay airport station.",
            ),
            p(
                "The city opened four cooling centres during the hottest week. Its heat "
                "plan, written in 2011, does not mention night-time temperatures; the "
                "public health department said it would be revised."
            ),
            p(
                "Readers can explore the data for their own neighbourhood with the "
                '<a href="https://data.alderbaylantern.example/night-heat">Lantern\'s '
                "night-heat map</a>."
            ),
        ],
    ),
    Story(
        slug="eastbank-solar-cooperative",
        section="climate",
        title="Eastbank's rooftop solar cooperative passes 1,000 households",
        deck=(
            "Neighbours who pooled their roofs now generate about a fifth of the "
            "district's daytime electricity, and share the savings by the meter."
        ),
        authors=("noor-halvorsen",),
        hours_ago=313,
        tags=("energy", "Eastbank"),
        lead=Figure(
            motif="skyline",
            alt="Low-rise rooftops against a bright evening sky.",
            caption="Eastbank's terraces face south over the harbour.",
        ),
        body=[
            p(
                "When Eastbank Sun started in 2017, its members were eleven neighbours "
                "on Chandler Street who wanted solar panels but could not afford them "
                "alone. This month, the cooperative signed up its 1,000th household."
            ),
            p(
                "The model is simple. Members who own suitable roofs lease them to the "
                "cooperative, which installs and maintains the panels. Any household "
                "in the district, including renters, can buy a share and receives a "
                "credit on its electricity bill for the power the panels produce."
            ),
            quote(
                "I rent a flat with a north-facing roof. I will never have panels of "
                "my own, but my share pays about [a quarter of] my bill every summer.",
                "Esther Nakamura-Bell, cooperative member since 2020",
            ),
            p(
                "The cooperative's 620 rooftop installations now produce about 7 "
                "gigawatt-hours a year, which the grid operator estimates covers a "
                "fifth of Eastbank's daytime demand. It has also installed two shared "
                "batteries in former telephone exchanges."
            ),
            h("Growing pains"),
            p(
                "Growth has brought problems. The waiting list for installations is "
                "eight months long, because the cooperative has only two crews, and "
                "the local grid needed upgrading on three streets where too many "
                "panels were feeding power back at midday."
            ),
            p(
                "The city has asked the cooperative to advise on a programme for other "
                "districts. Its manager, Ferdinand Ashby, said it would share its "
                "contracts and software for free."
            ),
            p(
                "Details of membership are on "
                '<a href="https://eastbanksun.example/join">the cooperative\'s '
                "website</a>."
            ),
        ],
    ),
    Story(
        slug="mackerel-arrive-early-lunmar",
        section="climate",
        title="Fishers report mackerel arriving a month early off the Lunmar banks",
        deck=(
            "Warmer water is shifting the timing of the migration. Scientists say the "
            "fish are following their food, and the food is following the heat."
        ),
        authors=("noor-halvorsen",),
        hours_ago=108,
        tags=("oceans", "fisheries", "Lunmar Islands"),
        lead=Figure(
            motif="waves",
            alt="Deep green and blue swells layered under a hazy sky.",
            caption="The Lunmar banks, a shallow shelf west of the islands.",
        ),
        body=[
            p(
                "For as long as anyone in the fishing village of Orrin Cove can remember, "
                "the mackerel arrived on the Lunmar banks at the start of the rainy "
                "season. This year the first shoals were spotted a full month earlier, "
                "and the boats were not ready."
            ),
            p(
                "Catch logs collected by the Lunmar fisheries agency show the date of the "
                "first large landings has moved earlier by about three days per decade "
                "since the 1980s, with the largest jump this year."
            ),
            quote(
                "My father went out on the same week every year. I now watch the water "
                "temperature on my phone [to decide], like a scientist.",
                "Tavita Holm, skipper of the fishing boat Morning Kestrel",
            ),
            p(
                "Marine biologists say mackerel follow the plankton they feed on, and "
                "plankton blooms start earlier when the surface water warms. Sea "
                "temperatures on the banks were 1.8 degrees above average for the season."
            ),
            h("Winners and losers"),
            p(
                "An early season is not necessarily a bad one. Landings this year are "
                "close to normal in volume. But processing plants and seasonal workers "
                "arrive on fixed dates, and fish that are landed before they are ready "
                "sell for less."
            ),
            p(
                "The fisheries agency is considering moving the opening date of the "
                "season, a proposal that has split fishing associations between those "
                "who want flexibility and those who fear overfishing of young fish."
            ),
            p(
                "The same warming water is raising sea levels around the islands, as "
                '<a href="story:lunmar-school-moves-uphill">the Lantern reported from '
                "Tavi</a>."
            ),
        ],
    ),
    Story(
        slug="halden-glacier-thinning",
        section="climate",
        title="Halden Glacier has lost a tenth of its thickness since 2010, survey finds",
        deck=(
            "Radar flights show the glacier that feeds the Alder river thinning at "
            "nearly a metre a year. Summer river flows could fall within decades."
        ),
        authors=("noor-halvorsen",),
        hours_ago=38,
        tags=("ice", "water", "science"),
        lead=Figure(
            motif="ridges",
            alt="Mountain ridges in cool blues with snow on the highest peaks.",
            caption="The Halden Glacier is the largest source of summer water for the Alder river.",
        ),
        body=[
            p(
                "The Halden Glacier, which feeds the river that gives Alder Bay its name "
                "and much of its summer drinking water, has lost about a tenth of its "
                "average thickness since 2010, according to a new airborne radar survey."
            ),
            p(
                "The survey, by Ferrier University and the provincial water agency, "
                "measured the ice at more than 4,000 points. The glacier is thinning "
                "by an average of 0.9 metres a year, and faster at its lower end, "
                "where it now ends in a lake that did not exist in 2010."
            ),
            figure(
                "ridges",
                "Layers of ridgelines receding into haze under a low sun.",
                "The lake at the glacier's snout first appeared in survey images in 2013.",
            ),
            quote(
                "For now, melting ice is actually adding water to the river in summer. "
                "That is the trap: it [the extra water] feels like plenty, until the "
                "ice that makes it is gone.",
                "Oskar Varela-Nilsen, glaciologist and lead author of the survey",
            ),
            h("What it means for the city"),
            p(
                "The water authority draws about a third of Alder Bay's summer supply "
                "from the river. The survey's authors estimate that glacier meltwater "
                "contributions will peak within 15 years and then decline."
            ),
            p(
                "The authority said its long-term plan already assumed lower summer flows "
                "from the 2040s and included new storage. It said it would review the "
                "plan in light of the survey."
            ),
            p(
                "The full survey is published in the "
                '<a href="https://ferrier.example/glaciology/halden-survey">university\'s '
                "repository</a>."
            ),
        ],
    ),
    Story(
        slug="heat-pumps-outsell-boilers",
        section="climate",
        title="Heat pumps outsell gas boilers in Alder Bay for the first time",
        deck=(
            "Installers sold more heat pumps than boilers over the past year, helped by a "
            "city rebate and a price war among manufacturers."
        ),
        authors=("rafael-quennell",),
        hours_ago=17,
        tags=("energy", "housing"),
        lead=Figure(
            motif="chart",
            alt="A bar chart with a trend line climbing to a circled final point.",
            caption="Heat pump installations registered with the city, by quarter.",
        ),
        body=[
            p(
                "More heat pumps than gas boilers were installed in Alder Bay homes over "
                "the past twelve months, according to permit data analysed by the "
                "Lantern, the first time the electric units have come out ahead."
            ),
            p(
                "The city issued 3,870 permits for heat pumps and 3,410 for gas boilers "
                "in the year to the end of last month. Five years ago, boilers "
                "outnumbered heat pumps by more than six to one."
            ),
            quote(
                "Two years ago I spent half of every visit explaining what a heat pump "
                "was. Now customers ask for them [by brand], and want to know when I "
                "can come.",
                "Marek Oyelaran, who runs a heating business in Harrow Hill",
            ),
            p(
                "Installers point to the city's rebate, which covers up to 4,000 "
                "dollars of the cost, and to falling prices as manufacturers compete. "
                "A typical installation in a terraced house now costs about the same "
                "as a boiler once the rebate is counted."
            ),
            h("Bills, and the grid"),
            p(
                "Running costs depend on the home. In well-insulated houses, heat pumps "
                "are cheaper to run than gas; in draughty older homes the savings are "
                "smaller. The "
                '<a href="story:eastbank-solar-cooperative">Eastbank solar '
                "cooperative</a> has begun offering members a lower tariff for heat "
                "pumps that run at midday."
            ),
            p(
                "The electricity network operator said winter demand was rising faster "
                "than it had forecast, and that it would bring forward upgrades to "
                "substations in four districts."
            ),
            p(
                "Our analysis used the city's open permit register; the data and code "
                "are on the "
                '<a href="https://data.alderbaylantern.example/heat-pumps">data desk '
                "page</a>."
            ),
        ],
    ),
]
