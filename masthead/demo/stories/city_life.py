"""City: neighbourhoods, work and food; and the story scheduled to go live later."""

from ..schema import Figure, Story, figure, h, p, quote, video

STORIES = [
    Story(
        slug="harrow-hill-library-reopens",
        section="city",
        title="Harrow Hill library reopens with a tool shed, a seed bank and longer hours",
        deck=(
            "After two years of repairs, the branch lends drills and tomato seeds as well "
            "as books, and stays open until 9 p.m. four nights a week."
        ),
        authors=("tamsin-achterberg",),
        hours_ago=486,
        tags=("libraries", "Harrow Hill"),
        lead=Figure(
            motif="skyline",
            alt="Rooftops at sunset with warm light in many windows.",
            caption="The Harrow Hill branch was built in 1908 with a gift from a shipping family.",
        ),
        body=[
            p(
                "The queue outside the Harrow Hill branch library started forming an "
                "hour before the doors opened. By noon, staff had signed up 312 new "
                "members and lent out every one of the branch's nine cordless drills."
            ),
            p(
                "The library closed two years ago when inspectors found rot in the roof "
                "timbers. The repairs, which cost 4.6 million dollars, were used to "
                "remodel the basement into a \u201clibrary of things\u201d: tools, "
                "sewing machines, a telescope, camping stoves and board games, all "
                "borrowed on an ordinary library card."
            ),
            quote(
                "A drill gets used for about 13 minutes in its life. It makes sense for "
                "the whole street to share one, and the library is where the street "
                "already comes.",
                "Winifred Acheson, branch manager",
            ),
            p(
                "Beside the tools is a seed bank in an old card catalogue. Members can "
                "take up to five packets a season and are asked to bring back seeds "
                "from whatever they grow. A volunteer group from the Harrow Hill "
                "allotments sorts and labels them."
            ),
            figure(
                "chart",
                "A bar chart of monthly loans climbing steadily, the latest months highlighted.",
                "Monthly loans of tools and equipment during the trial at the Millrace branch.",
            ),
            h("Open later"),
            p(
                "The branch will stay open until 9 p.m. from Monday to Thursday, a "
                "change the city's library board hopes to extend to other branches if "
                "evening visits justify it. Weekend hours are unchanged."
            ),
            p(
                "Not everyone is pleased with the new layout. A petition signed by "
                "about 200 residents asks for the local history room, which moved "
                "upstairs, to be made step-free; the city says a lift is planned for "
                "next year."
            ),
            p(
                "The branch's full catalogue, including the library of things, is on "
                '<a href="https://library.alderbay.example/harrow-hill">the library '
                "service's website</a>."
            ),
        ],
    ),
    Story(
        slug="hospital-nurses-strike-ends",
        section="city",
        title="Nurses' strike at Ferrier University Hospital ends with staffing deal",
        deck=(
            "The agreement sets minimum nurse-to-patient ratios on medical wards for the "
            "first time. Members voted 84 percent in favour."
        ),
        authors=("tamsin-achterberg",),
        hours_ago=177,
        tags=("health", "labour"),
        source=("Bayline Radio", "https://bayline.example/news/nurses-vote"),
        lead=Figure(
            motif="chart",
            alt="A bar chart on pale paper with a trend line and a highlighted last value.",
            caption="Vacant nursing posts at the hospital over the past two years.",
        ),
        body=[
            p(
                "Nurses at Ferrier University Hospital returned to work this morning "
                "after their union accepted an agreement that sets minimum staffing "
                "levels on medical and surgical wards, ending a nine-day strike."
            ),
            p(
                "Members of the Alder Bay Nurses' Association voted 84 percent in favour "
                "of the deal, the union said, on a turnout of 71 percent. The result was "
                "first reported by Bayline Radio."
            ),
            quote(
                "We did not strike for money. We struck because we were looking after "
                "eight, nine, ten patients at night, and we knew we were missing things.",
                "Adaeze Lindqvist, a ward nurse and union steward",
            ),
            p(
                "Under the agreement, medical and surgical wards will have no more than "
                "five patients per nurse during the day and six at night, phased in "
                "over 18 months. Pay will rise by 4 percent this year and 3.5 percent "
                "next year."
            ),
            h("Where the nurses will come from"),
            p(
                "The hospital has 240 vacant nursing posts. Its chief executive, Tobias "
                "Wren, said the deal would help recruitment, and that the hospital would "
                "pay the final-year fees of nursing students who commit to work there "
                "for three years."
            ),
            p(
                "Health economists cautioned that ratios can force wards to close beds "
                "if staff cannot be found. \u201cThe ratio is a promise. The hospital "
                "now has to hire its way into keeping it,\u201d said Marguerite Olsen, "
                "who studies hospital workforces at Ferrier University."
            ),
            p(
                "Postponed operations will be rescheduled over the coming weeks, the "
                "hospital said. Patients will be contacted directly."
            ),
        ],
    ),
    Story(
        slug="quayside-night-market-returns",
        section="city",
        title="The Quayside night market is back, and so are the queues",
        deck=(
            "Three years after it was shut down over a licensing dispute, forty stalls "
            "returned to the waterfront with a new permit and a generator."
        ),
        authors=("tamsin-achterberg",),
        hours_ago=308,
        tags=("food", "Quayside"),
        lead=Figure(
            motif="skyline",
            alt="Waterfront buildings at dusk with strings of warm light on the quay.",
            caption="The market runs on Friday and Saturday nights until the end of the season.",
        ),
        body=[
            p(
                "By 8 p.m. the line for Ngozi Paredes's pepper dumplings stretched past "
                "the old customs house, and she had already sent her nephew back to the "
                "restaurant for more dough. \u201cI forgot how many people there are in "
                "this city,\u201d she said, not looking up from the steamer."
            ),
            p(
                "The Quayside night market, a fixture of the waterfront for nearly two "
                "decades, reopened after a three-year absence that began when the city "
                "withdrew its street-trading licence in a dispute over waste collection "
                "and late-night noise."
            ),
            video("night-market-returns"),
            p(
                "The new arrangement, negotiated over eighteen months, gives the "
                "traders' cooperative a single permit for forty stalls, on condition "
                "that it pays for its own cleaning crew and closes by midnight. A shared "
                "generator replaces the tangle of extension cords that once ran from "
                "nearby bars."
            ),
            quote(
                "We were told it [the market] was a nuisance. Look around: this is the "
                "busiest the Quayside has been since the ferry stopped.",
                "Lorcan Abiodun, chair of the Quayside Traders' Cooperative",
            ),
            h("Neighbours reserve judgment"),
            p(
                "Residents of the converted warehouses above the quay, whose complaints "
                "led to the closure, were more cautious. The residents' association "
                "said it would keep a log of noise after midnight and report back to "
                "the council at the end of the season."
            ),
            p(
                "The market runs on Friday and Saturday nights. Stalls this season "
                "include Lunmar-style grilled fish, Veskarian rye pancakes, and a stand "
                "selling only soup, in six varieties."
            ),
        ],
    ),
]

# Scheduled in the admin to go live a couple of hours after the demo is loaded, to
# show Wagtail's scheduled publishing at work.
SCHEDULED = Story(
    slug="harrow-hill-by-election-guide",
    section="city",
    title="Harrow Hill by-election: the candidates, the issues and how to vote",
    deck=(
        "Five candidates are standing for the ward left vacant by Councillor Edda "
        "Marsh's retirement. Here is what they say about housing, the library and the "
        "water audit."
    ),
    authors=("tamsin-achterberg",),
    hours_ago=-2,
    tags=("elections", "Harrow Hill", "City Hall"),
    lead=Figure(
        motif="chart",
        alt="A bar chart with a highlighted final bar and a circled point.",
        caption="Turnout in Harrow Hill ward elections since 2006.",
    ),
    body=[
        p(
            "Voters in Harrow Hill will choose a new city councillor next week, after "
            "Edda Marsh stood down after 16 years representing the ward. Five "
            "candidates are on the ballot."
        ),
        p(
            "Polling stations open at 7 a.m. and close at 9 p.m. Residents who are "
            "registered to vote can find their polling station on the "
            '<a href="https://alderbay.example/elections">city elections page</a>.'
        ),
        h("The candidates"),
        p(
            "Josephine Adair, a housing lawyer, is running on a pledge to double the "
            "number of affordable homes required in new developments. Teodor Vance, a "
            "pharmacist, wants to cut the parking fee increases in the mayor's budget."
        ),
        p(
            "Samira Holloway, a secondary school teacher, has made the library's step-free "
            "access her first promise. Declan Fairweather, a retired fire officer, and "
            "Aurelio Banks, a student at Ferrier University, are standing as independents."
        ),
        quote(
            "Every candidate has been asked about the water mains on the doorstep. "
            "That [the audit] is the issue of this election, whether they like it or not.",
            "A volunteer for one of the campaigns",
        ),
        p(
            "The Lantern sent each candidate the same five questions. Their answers, "
            "unedited, will be published alongside this guide."
        ),
    ],
)
