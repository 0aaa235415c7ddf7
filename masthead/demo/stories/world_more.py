"""World: culture, regulation, and the Lunmar Islands stories of "The Retreating Coast"."""

from ..schema import Figure, Story, figure, h, p, quote

STORIES = [
    Story(
        slug="kolvena-metro-theatre",
        section="world",
        title="In Kolvena, a play staged in a disused metro station sells out its run",
        deck=(
            "Audiences descend 40 metres to watch a drama about the city's flood of "
            "1953, performed on a platform where no train has stopped in decades."
        ),
        authors=("idris-valcourt",),
        hours_ago=555,
        tags=("culture", "Veskaria"),
        lead=Figure(
            motif="skyline",
            alt="A city skyline at night with lit windows, mirrored in a dark river.",
            caption="Kolvena's Old Mint station closed in 1971 and was sealed in 1980.",
        ),
        body=[
            p(
                "KOLVENA, Veskaria \u2014 The escalators at Old Mint station stopped "
                "moving half a century ago, so the audience walks down: 212 steps, lit "
                "by lanterns held by ushers in the grey coats of 1950s transit workers."
            ),
            p(
                "At the bottom, on a tiled platform where trains once stopped, the "
                "Kolvena Free Theatre is performing <i>High Water</i>, a play about the "
                "night in 1953 when the river broke its banks and the city's metro "
                "became a shelter for 20,000 people."
            ),
            quote(
                "My grandmother slept here for three nights. She told me people sang "
                "[to keep the children calm], so we sing. Every night, someone in the "
                "audience sings with us.",
                "Mirela Obradin, director of the Kolvena Free Theatre",
            ),
            p(
                "All 38 performances sold out within a day of going on sale. The city "
                "transit company, which still owns the station, has agreed to extend "
                "the run by a month, though it limits each audience to 120 people for "
                "safety reasons."
            ),
            h("An argument about the past"),
            p(
                "The play has also revived a debate about the city's response to the "
                "1953 flood. It depicts officials ordering the station gates closed "
                "while people were still outside, an episode that historians say is "
                "supported by survivors' accounts but not by official records."
            ),
            p(
                "The city archive said it would open its files on the flood to "
                "researchers next year, ten years earlier than planned."
            ),
            p(
                "Tickets for the extended run will be released in batches on the "
                '<a href="https://freetheatre.example/high-water">theatre\'s website</a>.'
            ),
        ],
    ),
    Story(
        slug="ostrel-union-drone-rules",
        section="world",
        title="Ostrel Union ministers agree on shared rules for delivery drones",
        deck=(
            "A single licence will let operators fly across member states. Cities keep "
            "the right to ban flights over homes and schools."
        ),
        authors=("idris-valcourt",),
        hours_ago=198,
        tags=("technology", "Ostrel Union", "regulation"),
        source=("Ostrel Wire", "https://ostrelwire.example/policy/drone-deal"),
        lead=Figure(
            motif="atlas",
            alt="An abstract map with a dashed flight path between two bright pins.",
            caption="The rules cover drones under 25 kilograms flying below 120 metres.",
        ),
        body=[
            p(
                "Transport ministers of the Ostrel Union agreed on common rules for "
                "commercial delivery drones after two years of negotiations, replacing "
                "a patchwork of national regulations, the Ostrel Wire news agency "
                "first reported."
            ),
            p(
                "Under the agreement, an operator licensed in one member state will be "
                "able to fly in all of them, provided each drone carries a remote "
                "identification signal and flies below 120 metres. Drones will need "
                "insurance and an annual inspection."
            ),
            quote(
                "Today a drone that crosses a border has to land and ask permission. "
                "Tomorrow it will just need [to follow] one set of rules.",
                "Sander Kovac, the union's transport commissioner",
            ),
            p(
                "The biggest argument was over cities. A compromise lets municipal "
                "governments designate no-fly zones over residential streets, schools "
                "and hospitals, provided they publish them on a shared digital map."
            ),
            figure(
                "chart",
                "A bar chart with a rising line; the most recent bars are highlighted.",
                "Registered commercial drones in the union, by year.",
            ),
            h("Privacy groups not satisfied"),
            p(
                "Digital rights groups said the rules did too little to stop camera "
                "drones collecting images of people on the ground. The agreement "
                "requires operators to blur faces in stored footage but does not limit "
                "how long it is kept."
            ),
            p(
                "The rules still need the approval of the union's assembly and are "
                "expected to take effect in about 18 months."
            ),
        ],
    ),
    Story(
        slug="lunmar-school-moves-uphill",
        section="world",
        title="On the Lunmar Islands, a school moves uphill for the second time in a decade",
        deck=(
            "King tides have flooded the playground of Saint Ada's primary three times "
            "this year. The islands' government says more schools will follow."
        ),
        authors=("idris-valcourt", "noor-halvorsen"),
        hours_ago=365,
        series="the-retreating-coast",
        tags=("sea level", "Lunmar Islands", "education"),
        lead=Figure(
            motif="waves",
            alt="Layered sea swells rising up the frame under a low sun.",
            caption="Saint Ada's old site on the shore of Tavi atoll.",
        ),
        body=[
            p(
                "TAVI, Lunmar Islands \u2014 The children of Saint Ada's primary school "
                "carried their own chairs up the hill. It took four trips, and the "
                "youngest needed help, but by lunchtime all 140 pupils were sitting in "
                "new classrooms 12 metres above the sea."
            ),
            p(
                "It is the second time the school has moved in ten years. The first "
                "building, on the beach, was abandoned after a storm surge; the "
                "second, 200 metres inland, has flooded three times this year during "
                "king tides, the highest tides of the year."
            ),
            quote(
                "The children know the sea better than any of us. They can tell you "
                "which tide will reach the playground [and] which will not.",
                "Ruta Faleolo, head teacher at Saint Ada's",
            ),
            p(
                "The Lunmar Islands are among the places most exposed to rising seas. "
                "Sea level around the islands has risen about 15 centimetres since the "
                "early 1990s, according to the islands' meteorological service, faster "
                "than the global average."
            ),
            h("Running out of hill"),
            p(
                "Tavi's highest point is 19 metres above sea level. The islands' "
                "education ministry said four more schools are on its list to move, "
                "and that on the smallest atolls there is nowhere higher to go."
            ),
            p(
                "The new building was paid for by a grant from the Ostrel Union's "
                "climate adaptation fund. Its classrooms stand on raised concrete "
                "pillars, and the playground doubles as a rainwater catchment."
            ),
            p(
                "The water reaching Tavi is the same water measured by "
                '<a href="story:pier-9-tide-gauge-record">the Pier 9 tide gauge in '
                "Alder Bay</a>, where the record has also reached new highs."
            ),
        ],
    ),
    Story(
        slug="lunmar-relocation-fund",
        section="world",
        title="Lunmar asks Ostrel Union for a relocation fund as king tides swamp the capital",
        deck=(
            "The islands' president says adaptation money is no longer enough and asks "
            "for help to move whole communities."
        ),
        authors=("idris-valcourt",),
        hours_ago=26,
        series="the-retreating-coast",
        tags=("sea level", "Lunmar Islands", "Ostrel Union"),
        lead=Figure(
            motif="waves",
            alt="Dark blue swells layered beneath a hazy sky.",
            caption="Seawater covered the main road of Port Lenna for six hours.",
        ),
        body=[
            p(
                "PORT LENNA, Lunmar Islands \u2014 Seawater covered the main road of the "
                "Lunmar capital for six hours yesterday, closing the harbour, the "
                "islands' only hospital and the government buildings from which "
                "President Iosefa Marr made an appeal for help."
            ),
            p(
                "In a speech to the Ostrel Union's assembly, delivered by video because "
                "his office was flooded, Mr. Marr asked member states to create a "
                "dedicated fund to pay for relocating communities that can no longer "
                "be protected where they are."
            ),
            quote(
                "We have built sea walls. We have moved schools uphill. On some islands "
                "there is no uphill left. We are asking for help to move [people] with "
                "dignity, before the sea decides for us.",
                "Iosefa Marr, President of the Lunmar Islands",
            ),
            p(
                "The union's current adaptation fund pays for defences and drainage. It "
                "paid for the new building at "
                '<a href="story:lunmar-school-moves-uphill">Saint Ada\'s school on '
                "Tavi</a>, but its rules do not allow spending on buying land or homes "
                "elsewhere."
            ),
            h("A hard sell"),
            p(
                "Diplomats said several member states were reluctant to create an open-ended "
                "fund. The union's commissioner for climate, Jelena Strand, said "
                "the proposal would be discussed at the next ministerial meeting."
            ),
            p(
                "Mr. Marr's government estimates that about 9,000 people, roughly one in "
                "six islanders, live on land that will be flooded at every king tide "
                "within 30 years."
            ),
            p(
                "Water levels in Port Lenna fell by the evening. The meteorological "
                "service warned that the next king tide, in two weeks, would be higher."
            ),
        ],
    ),
]
