"""City: breaking news, transit and the budget."""

from ..schema import Figure, Story, figure, h, p, quote

STORIES = [
    Story(
        slug="pier-4-crane-collapse",
        section="city",
        title="Crane collapse closes Pier 4; two dock workers taken to hospital",
        deck=(
            "The container crane folded onto a moored feeder ship during a gust. The "
            "port says operations on the rest of the waterfront continue."
        ),
        authors=("tamsin-achterberg",),
        hours_ago=2.5,
        updated_after_hours=1.2,
        tags=("port", "safety", "breaking"),
        lead=Figure(
            motif="skyline",
            alt="A harbour skyline at dusk, cranes and warehouses mirrored in the water.",
            caption="Pier 4, at the eastern end of the container terminal, was closed.",
        ),
        body=[
            p(
                "A ship-to-shore container crane collapsed onto a moored feeder vessel at "
                "Pier 4 this morning, injuring two dock workers and closing the eastern "
                "end of the Port of Alder Bay's container terminal."
            ),
            p(
                "Both workers were taken to Alder Bay General Hospital. A hospital "
                "spokesperson said one was in serious but stable condition and the "
                "other had minor injuries. No one aboard the ship, the <i>Marta "
                "Sollen</i>, was hurt, according to the port."
            ),
            quote(
                "There was a gust, a long metal groan, and then the boom just came down "
                "across the deck. Everyone ran [toward the gate] before it had even "
                "stopped moving.",
                "A checker who was working on the next berth",
            ),
            p(
                "The Bay Meteorological Office had issued a wind advisory for the "
                "harbour overnight, with gusts forecast up to 70 kilometres an hour. "
                "Port rules require cranes to stop working and be locked down above 72. "
                "It was not clear whether the crane was working at the time."
            ),
            h("Investigation opened"),
            p(
                "The provincial workplace safety inspectorate said it had sent "
                "investigators to the site. The port authority said the crane, one of "
                "eight at the terminal, had passed its last annual inspection and that "
                "the remaining cranes would be checked before returning to service."
            ),
            p(
                "The Dockworkers' Union Local 12 said it had raised concerns about wind "
                "procedures at two meetings this year. \u201cWe want to know who made "
                "the call to keep working,\u201d said the local's secretary, Bram "
                "Ostrander."
            ),
            p(
                "Harbour Road between the terminal gate and Ropewalk Street is closed to "
                "traffic. Bay Transit's No. 14 bus is diverting via Chandler Street."
            ),
            p(
                "<i>This story has been updated with the condition of the injured "
                "workers and comment from the union.</i>"
            ),
        ],
    ),
    Story(
        slug="bay-transit-overnight-buses",
        section="city",
        title="Bay Transit will run overnight buses on four routes from spring",
        deck=(
            "Night workers have asked for years. The pilot costs 3.2 million dollars and "
            "will be judged on ridership after twelve months."
        ),
        authors=("tamsin-achterberg",),
        hours_ago=99,
        tags=("transit", "City Hall"),
        lead=Figure(
            motif="skyline",
            alt="A night skyline with rows of lit windows reflected in the harbour.",
            caption="Service will run every 30 minutes between 1 a.m. and 5 a.m.",
        ),
        body=[
            p(
                "Alder Bay will have all-night public transport for the first time in "
                "four decades after the Bay Transit board approved a pilot of overnight "
                "buses on four of its busiest routes."
            ),
            p(
                "From spring, the Nos. 3, 7, 14 and 22 will run every 30 minutes between "
                "1 a.m. and 5 a.m., linking the hospital district, the port, Eastbank and "
                "the Quayside entertainment strip. Fares will be the same as daytime."
            ),
            quote(
                "I finish at 2 in the morning. For nine years my choice has been a taxi "
                "I cannot afford or a 50-minute walk.",
                "Oona Brightwell, a hospital cleaner, speaking to the board",
            ),
            p(
                "A survey commissioned by the transit agency estimated that about "
                "14,000 people in the city regularly work shifts that end or begin "
                "between midnight and 5 a.m. Hospitals, the port and the hotel trade "
                "employ most of them."
            ),
            h("The cost, and the test"),
            p(
                "The pilot will cost 3.2 million dollars a year, about half of it paid "
                "by a provincial transit grant. The board will decide whether to keep "
                "it after twelve months, based on ridership and on a survey of riders "
                "about safety on late buses and at stops."
            ),
            p(
                "Board member Cyril Amundsen, who voted against, said the money would "
                "be better spent on daytime frequency. \u201cWe have routes where the "
                "bus comes every 40 minutes at rush hour,\u201d he said."
            ),
            p(
                "The agency said it would hire 26 additional drivers and add lighting "
                "at 60 stops along the four routes before the service begins. Riders "
                "can comment on the plan on "
                '<a href="https://baytransit.example/night-network">Bay Transit\'s '
                "consultation page</a> until the end of the month."
            ),
        ],
    ),
    Story(
        slug="budget-leans-on-parking-fees",
        section="city",
        title="Mayor's budget leans on parking fees, and drivers have noticed",
        deck=(
            "Meter rates would rise by half in the city centre and residential permits "
            "would cost more for second cars. The council votes next month."
        ),
        authors=("tamsin-achterberg", "rafael-quennell"),
        hours_ago=340,
        tags=("City Hall", "budget", "transit"),
        source=("The Eastbank Beacon", "https://eastbankbeacon.example/news/parking-plan"),
        lead=Figure(
            motif="chart",
            alt="A bar chart of rising revenue with the final bars highlighted in orange.",
            caption="Parking revenue, actual and projected under the proposed budget.",
        ),
        body=[
            p(
                "Mayor Corinne Delacroix-Abara's proposed budget would raise parking "
                "meter rates in the city centre by 50 percent and double the price of "
                "a residential permit for a household's second car, according to "
                "documents first reported by the Eastbank Beacon and confirmed by the "
                "Lantern."
            ),
            p(
                "The changes would bring in an estimated 11 million dollars a year, "
                "nearly all of it earmarked for road resurfacing and the city's share "
                "of the overnight bus pilot. Property tax would rise by 2.1 percent, "
                "below inflation."
            ),
            quote(
                "We are asking the people who use the most street space to pay a little "
                "more for it. That is not a war on cars; it [the fee] is a price.",
                "Mayor Corinne Delacroix-Abara",
            ),
            p(
                "The city's finance department estimates that a centre-city hourly meter "
                "would go from 2.40 dollars to 3.60 dollars. A second residential permit "
                "would rise from 90 dollars a year to 180."
            ),
            figure(
                "stripes",
                "Vertical bands shading from blue on the left to red on the right.",
                "Meter rates by zone: the warmer the colour, the higher the proposed rate.",
            ),
            h("Businesses split"),
            p(
                "The Downtown Merchants' Association said higher rates would drive "
                "shoppers to the out-of-town mall. But the association representing "
                "Quayside restaurants said its members struggled more with a lack of "
                "turnover at meters than with prices, and welcomed the change."
            ),
            p(
                "The council will hold a public hearing on the budget in three weeks and "
                "vote the following week. The full proposal is on the "
                '<a href="https://alderbay.example/budget">city\'s website</a>.'
            ),
        ],
    ),
]
