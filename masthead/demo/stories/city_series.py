"""City: the four stories of the "Under the Streets" investigation."""

from ..schema import Figure, Story, figure, h, p, quote, video

STORIES = [
    Story(
        slug="alder-bay-water-mains-failing",
        section="city",
        title="Alder Bay's water mains are failing faster than the city admits",
        deck=(
            "Repair records obtained by the Lantern show breaks on the oldest pipes have "
            "nearly tripled in a decade, while the replacement budget has stood still."
        ),
        authors=("rafael-quennell", "tamsin-achterberg"),
        hours_ago=607,
        series="under-the-streets",
        tags=("water", "infrastructure", "investigations"),
        lead=Figure(
            motif="chart",
            alt="A bar chart in blue whose last three bars, in orange, rise sharply.",
            caption="Recorded breaks on cast-iron mains laid before 1930, by year.",
        ),
        body=[
            p(
                "The pipe under Carrow Lane in Millrace burst at 4:10 on a winter morning, "
                "lifting a slab of asphalt the size of a dining table and flooding eleven "
                "basements before a crew could find the valve. It was the third break on "
                "that block in two years. City records list the main as laid in 1911."
            ),
            p(
                "It is not unusual. Repair logs kept by the Alder Bay Water Authority, "
                "released to the Lantern after a seven-month public-records request, show "
                "412 breaks on cast-iron mains last year, up from 149 a decade earlier. "
                "The authority's public reports over the same period describe the network "
                "as \u201cstable\u201d."
            ),
            h("What the records show"),
            p(
                "The Lantern matched every logged repair since 2012 to the age and "
                "material of the pipe involved. Almost four in five breaks were on mains "
                "older than 90 years, which make up about a third of the network. At the "
                "current pace of replacement, roughly 6 kilometres a year, the last of "
                "them would be dug up in the 2080s."
            ),
            p(
                "The authority's capital budget for replacing mains has been flat at "
                "about 31 million dollars a year since 2015, which after construction "
                "inflation buys about 40 percent less pipe than it did. The full data set "
                "and our method are published on the "
                '<a href="https://data.alderbaylantern.example/water-mains">Lantern data '
                "desk</a>."
            ),
            quote(
                "We have been patching a system that needs replacing. Every engineer in "
                "this building knows it [the network] is past its design life.",
                "A senior engineer at the Alder Bay Water Authority, who asked not to be "
                "named because they are not authorised to speak publicly",
            ),
            p(
                "In a written response, the authority's general manager, Osric Pell, said "
                "the figures \u201creflect a more thorough logging practice introduced in "
                "2018\u201d and that water quality had never been compromised. He did not "
                "say why the annual reports did not mention the rise."
            ),
            p(
                "Councillor Hana Brisbois, who chairs the council's infrastructure "
                "committee, said she would ask for the repair logs to be presented at "
                "the committee's next meeting. \u201cIf this is right, we have been "
                "given a rosier picture than the one in the authority's own files,\u201d "
                "she said."
            ),
            p(
                "Over the coming weeks, <i>Under the Streets</i> will look at the pump "
                "stations, drains and service lines that sit alongside these mains, and "
                "at what residents can do when the pipe outside their door is one of "
                "the old ones."
            ),
        ],
    ),
    Story(
        slug="inside-gullet-street-pump-station",
        section="city",
        title="Inside the Gullet Street pump station, where 1924 machinery keeps the Narrows dry",
        deck=(
            "Three century-old pumps stand between a low-lying neighbourhood and the "
            "bay. Two of them are running on parts made by hand."
        ),
        authors=("tamsin-achterberg",),
        hours_ago=434,
        series="under-the-streets",
        tags=("water", "infrastructure", "the Narrows"),
        lead=Figure(
            motif="skyline",
            alt="A dusk skyline of low brick buildings reflected in still water.",
            caption="The Narrows sits below the level of the highest tides in Alder Bay.",
        ),
        body=[
            p(
                "The first thing you notice inside the Gullet Street pump station is the "
                "noise, a deep rhythmic thud that you feel in your ribs before you hear it. "
                "The second is the brass plate on Pump No. 2: cast in 1924, it still "
                "carries the name of a foundry that closed before the Second World War."
            ),
            p(
                "The station lifts rain and groundwater out of the Narrows, a "
                "neighbourhood of some 9,000 people built on reclaimed marsh, and pushes "
                "it over the sea wall. Without it, said shift supervisor Delphine Arkwright, "
                "the lower streets would flood after any heavy storm."
            ),
            video("pump-station-tour"),
            quote(
                "When the bay is high and the rain is heavy, all three have to run. We "
                "keep them [the pumps] alive the way you would keep an old car alive: "
                "by knowing every sound they make.",
                "Delphine Arkwright, shift supervisor",
            ),
            p(
                "Two of the three pumps now run on bearings and impellers machined in the "
                "station's own workshop, because no manufacturer makes them any more. "
                "Maintenance records reviewed by the Lantern show the workshop produced "
                "47 replacement parts last year."
            ),
            h("A replacement that keeps slipping"),
            p(
                "A new station was first proposed in 2009. It has appeared in every "
                "capital plan since, and has been deferred in six of them. The current "
                "plan schedules construction to begin in four years, at an estimated "
                "cost of 88 million dollars."
            ),
            p(
                "As the Lantern reported in the first part of this series, "
                '<a href="story:alder-bay-water-mains-failing">breaks on the city\'s '
                "oldest water mains have nearly tripled</a>; the pump stations share the "
                "same maintenance budget. The water authority said the Gullet Street "
                "station was \u201cfully operational and regularly inspected\u201d."
            ),
            p(
                "For residents, the risk is not abstract. Ines Varga, who has run a "
                "bakery on Gullet Street for 22 years, keeps sandbags by the back door. "
                "\u201cWhen I hear the pumps I sleep well,\u201d she said. \u201cWhen "
                "it goes quiet in a storm, I go downstairs.\u201d"
            ),
        ],
    ),
    Story(
        slug="council-orders-water-authority-audit",
        section="city",
        title="Council orders independent audit of water authority's repair backlog",
        deck=(
            "The vote follows the Lantern's reporting on failing mains. The authority "
            "says it welcomes the review."
        ),
        authors=("tamsin-achterberg",),
        hours_ago=221,
        series="under-the-streets",
        tags=("water", "City Hall"),
        lead=Figure(
            motif="skyline",
            alt="A city skyline at dusk with a bright low sun and lit office windows.",
            caption="City Hall and the civic towers seen from the harbour.",
        ),
        body=[
            p(
                "Alder Bay City Council voted 11 to 2 late last night to commission an "
                "independent audit of the Alder Bay Water Authority's repair records, "
                "capital spending and public reporting over the past decade."
            ),
            p(
                "The motion, brought by Councillor Hana Brisbois, cites the Lantern's "
                '<a href="story:alder-bay-water-mains-failing">analysis of repair logs</a>, '
                "which found that breaks on the oldest mains had nearly tripled while the "
                "authority described the network as stable."
            ),
            quote(
                "Residents deserve to know whether the pipes under their streets are "
                "safe, and they deserve to hear it from someone who does not run them.",
                "Councillor Hana Brisbois",
            ),
            p(
                "The audit will be carried out by the office of the city's auditor "
                "general, with outside engineers, and is due to report within six months. "
                "It will also examine why the replacement of the "
                '<a href="story:inside-gullet-street-pump-station">Gullet Street pump '
                "station</a> has been deferred six times."
            ),
            h("What the authority says"),
            p(
                "Osric Pell, the authority's general manager, told councillors that the "
                "authority \u201cwelcomes any review that helps make the case for "
                "investment\u201d. He said the rise in logged breaks partly reflected "
                "better record-keeping, a point the audit is expected to test."
            ),
            p(
                "The two councillors who voted against, Gideon Farrow and Maud Lisle, "
                "said they supported scrutiny but objected to the cost, estimated at "
                "about 400,000 dollars, arguing it should come from the authority's "
                "budget rather than the city's."
            ),
            p(
                "Several residents of Millrace spoke before the vote. One, retired "
                "schoolteacher Albin Okwu, brought a length of corroded pipe that had "
                "been dug out of his street. \u201cThis was carrying my drinking water "
                "until March,\u201d he said, to applause."
            ),
        ],
    ),
    Story(
        slug="millrace-lead-service-lines",
        section="city",
        title="Hundreds of Millrace homes still have lead service lines the city said were gone",
        deck=(
            "A replacement programme declared complete in 2016 skipped at least 640 "
            "properties, according to the water authority's own maps."
        ),
        authors=("rafael-quennell", "tamsin-achterberg"),
        hours_ago=54,
        series="under-the-streets",
        tags=("water", "health", "investigations"),
        lead=Figure(
            motif="chart",
            alt="A chart of rising bars with a circled final data point.",
            caption="Lead service lines still recorded in the authority's asset maps, by street.",
        ),
        body=[
            p(
                "When Alder Bay announced in 2016 that it had replaced the last of its "
                "lead service lines, the short pipes that connect a house to the water "
                "main, the mayor at the time posed with a length of grey pipe in a "
                "glass case. In Millrace, the job was not finished."
            ),
            p(
                "Asset maps obtained by the Lantern show at least 640 properties in the "
                "neighbourhood where the service line is still recorded as lead, or as "
                "\u201cunknown\u201d material in a house built before 1950. Most are "
                "terraced homes on streets that were dug up for other work during the "
                "programme and then reinstated."
            ),
            figure(
                "atlas",
                "An abstract map with contoured islands and a dashed route between two pins.",
                "The Lantern matched the authority's asset maps to the 2016 completion list.",
            ),
            quote(
                "I asked them [the authority] twice whether my pipe was lead. Both times "
                "I was told the programme was complete.",
                "Priya Castellane, a Millrace resident whose line is recorded as lead",
            ),
            h("Is the water safe?"),
            p(
                "Lead leaches into water most when it sits in the pipe, so health "
                "authorities advise running the tap for a minute in the morning in homes "
                "with lead lines. The authority adds a corrosion inhibitor that keeps "
                "levels low in most tests, and its published sampling results are "
                "within the legal limit."
            ),
            p(
                "But Dr. Lucan Ferreira, a toxicologist at Ferrier University, said "
                "sampling of a few hundred homes a year could miss individual houses. "
                "\u201cThere is no safe level of lead for children,\u201d he said. "
                "\u201cThe fix is to take the pipe out.\u201d"
            ),
            p(
                "The water authority said it would write to every affected household "
                "within a month and offer free testing. The "
                '<a href="story:council-orders-water-authority-audit">independent audit '
                "ordered by the council</a> will now include the 2016 programme."
            ),
            p(
                "Residents can check the material recorded for their address using the "
                "Lantern's "
                '<a href="https://data.alderbaylantern.example/lead-lines">lookup '
                "tool</a>, which draws on the same maps. If the result is lead or "
                "unknown, the authority says it will test the water at no cost."
            ),
        ],
    ),
]
