"""World: Sarvenia's election and the Tessaly Strait."""

from ..schema import Figure, Story, figure, h, p, quote, video

STORIES = [
    Story(
        slug="sarvenia-counts-by-hand",
        section="world",
        title="Sarvenia counts ballots by hand after electronic tally is suspended",
        deck=(
            "The electoral commission halted its results system after observers found "
            "duplicate entries. Party agents are now watching every table."
        ),
        authors=("idris-valcourt",),
        hours_ago=121,
        tags=("elections", "Sarvenia"),
        lead=Figure(
            motif="atlas",
            alt="A stylised map with contoured landmasses joined by a dashed line.",
            caption="Sarvenia's 14 provinces report to the commission in Darnaveh.",
        ),
        body=[
            p(
                "DARNAVEH, Sarvenia \u2014 In the gymnasium of a secondary school on the "
                "east bank of the Vell river, sixty volunteers sat at folding tables "
                "through the night, unfolding paper ballots one at a time and reading "
                "each name aloud while party agents leaned in to watch."
            ),
            p(
                "The scene was repeated across the country after Sarvenia's National "
                "Electoral Commission suspended its electronic results system, hours "
                "after polls closed, when international observers reported that some "
                "polling stations appeared twice in the published figures."
            ),
            video("darnaveh-count"),
            quote(
                "We would rather be slow and right. Every party has someone at every "
                "table, and nothing leaves this room [until] it is signed by all of them.",
                "Ilse Marrak, chair of the National Electoral Commission",
            ),
            p(
                "The commission said the duplicates were caused by a software fault when "
                "provincial offices resubmitted corrected sheets, and that no votes had "
                "been altered. It expects a full hand-counted result within five days."
            ),
            h("A close race"),
            p(
                "Before the suspension, partial results showed the governing National "
                "Renewal party and the opposition Civic Alliance within two percentage "
                "points of each other, with about 60 percent of polling stations "
                "reporting. Turnout was estimated at 68 percent, the highest in 20 years."
            ),
            p(
                "Both parties urged supporters to stay calm. A planned rally by the "
                "Civic Alliance in Darnaveh's Freedom Square went ahead peacefully; "
                "police estimated the crowd at 15,000."
            ),
            p(
                "The observer mission of the Ostrel Union said in a preliminary "
                "statement that voting had been \u201corderly and competitive\u201d and "
                "that a transparent manual count was \u201cthe right decision\u201d."
            ),
        ],
    ),
    Story(
        slug="sarvenia-opposition-claims-win",
        section="world",
        title="Sarvenia's opposition claims narrow win as a recount is ordered in two provinces",
        deck=(
            "The hand count gives the Civic Alliance a lead of fewer than 40,000 votes. "
            "The governing party says it will accept the final certified result."
        ),
        authors=("idris-valcourt",),
        hours_ago=76,
        tags=("elections", "Sarvenia"),
        source=("Darnaveh Evening Mail", "https://darnaveh-mail.example/election/count-day-4"),
        lead=Figure(
            motif="atlas",
            alt="An abstract map, two regions marked with pins and a dashed route.",
            caption="Recounts were ordered in the northern provinces of Kesh and Orvaal.",
        ),
        body=[
            p(
                "DARNAVEH, Sarvenia \u2014 The leader of Sarvenia's opposition Civic "
                "Alliance, Teodora Vashti, claimed victory in the country's "
                "parliamentary election, after a "
                '<a href="story:sarvenia-counts-by-hand">manual count</a> put her party '
                "narrowly ahead with nearly all ballots tallied."
            ),
            p(
                "Figures compiled by the Darnaveh Evening Mail from provincial count "
                "sheets, and later matched by the electoral commission, give the Civic "
                "Alliance 41.3 percent of the vote against 40.6 percent for the "
                "governing National Renewal party."
            ),
            quote(
                "The people of Sarvenia have chosen change, and they have chosen it "
                "carefully, one ballot [at a time], in front of everyone.",
                "Teodora Vashti, leader of the Civic Alliance",
            ),
            p(
                "The commission ordered recounts in the northern provinces of Kesh and "
                "Orvaal, where the margin between the two parties was under 0.5 percent, "
                "as electoral law requires. The recounts could shift the distribution "
                "of as many as four seats in the 180-seat parliament."
            ),
            h("What happens next"),
            p(
                "Neither party is expected to win a majority. The Civic Alliance would "
                "need the support of at least one of the smaller parties, most likely "
                "the Green Coast list, which won 7 percent and has said it will talk "
                "to both sides."
            ),
            p(
                "Prime Minister Aurel Dannic said in a brief statement that his party "
                "would \u201caccept the certified result, whatever it is\u201d. It was "
                "the first time he had acknowledged the possibility of defeat."
            ),
            p(
                "Certification is expected within ten days. Under the constitution, "
                "the president must then invite the leader best placed to command a "
                "majority to form a government."
            ),
        ],
    ),
    Story(
        slug="tessaly-ferry-reopens",
        section="world",
        title="Veskaria and the Kellish Federation reopen the Tessaly ferry after 11 years",
        deck=(
            "A crossing closed by a border dispute carried 600 passengers on its first "
            "day back. Families separated by the strait were among them."
        ),
        authors=("idris-valcourt",),
        hours_ago=464,
        tags=("Veskaria", "Kellish Federation", "diplomacy"),
        lead=Figure(
            motif="atlas",
            alt="A map-like illustration with two coastlines and a dashed crossing between them.",
            caption="The ferry crosses the Tessaly Strait between Port Ilm and Amrath.",
        ),
        body=[
            p(
                "PORT ILM, Veskaria \u2014 When the <i>Saint Brannoc</i> sounded its horn "
                "and pulled away from the quay, a cheer went up from the passengers on "
                "deck, and from a crowd of several hundred people who had come just to "
                "watch it leave."
            ),
            p(
                "The ferry between Port Ilm and the Kellish capital, Amrath, had not run "
                "for eleven years, since the two governments fell out over fishing "
                "rights in the strait and closed the crossing to passenger traffic."
            ),
            quote(
                "My sister lives forty kilometres away. For eleven years I had to fly "
                "through two other countries to see her [in Amrath].",
                "Halina Brenk, 67, travelling with her grandson",
            ),
            figure(
                "waves",
                "Layered blue swells under a pale low sun.",
                "The crossing takes about three hours in calm weather.",
            ),
            h("A deal on fish, then on ferries"),
            p(
                "The reopening follows an agreement signed in the spring that divides "
                "the strait's fishing grounds and sets up a joint patrol. Diplomats on "
                "both sides said the ferry was chosen as the first visible sign of the "
                "thaw because it touched so many families."
            ),
            p(
                "There will be one sailing a day in each direction to start, rising to "
                "three in summer. Passengers need a passport but no visa for stays of "
                "up to 30 days, under a reciprocal arrangement."
            ),
            p(
                "Not everyone is convinced the thaw will last. Fishing associations on "
                "the Veskarian side say the new quotas are too low, and have threatened "
                "to blockade the harbour at Port Ilm if they are not revised."
            ),
        ],
    ),
    Story(
        slug="grain-ships-wait-tessaly",
        section="world",
        title="Grain ships wait at anchor in the Tessaly Strait as insurers weigh new rules",
        deck=(
            "More than 40 bulk carriers are idle while underwriters decide how to price "
            "a new inspection regime. Bread prices in Kolvena are already rising."
        ),
        authors=("idris-valcourt", "rafael-quennell"),
        hours_ago=242,
        tags=("trade", "Tessaly Strait", "food"),
        lead=Figure(
            motif="chart",
            alt="A bar chart rising to the right, the last bars in a bright accent colour.",
            caption="Ships at anchor off Port Ilm, daily count from tracking data.",
        ),
        body=[
            p(
                "KOLVENA, Veskaria \u2014 At least 43 bulk carriers loaded with grain were "
                "anchored off Port Ilm yesterday, according to ship-tracking data "
                "analysed by the Lantern, the largest backlog in the Tessaly Strait "
                "since records began."
            ),
            p(
                "The ships are waiting for their insurers to agree terms under a new "
                "inspection regime, introduced by the Ostrel Union, which requires "
                "vessels crossing the strait to carry an independent certificate of "
                "their hull condition."
            ),
            quote(
                "Nobody wants to be the first underwriter to put a price on this "
                "[the new certificate]. So everyone waits, and the ships wait with them.",
                "A marine insurance broker in Kolvena",
            ),
            p(
                "Each day at anchor costs a typical carrier about 18,000 dollars, "
                "shipping analysts estimate. Some charterers have begun diverting cargoes "
                "to the longer southern route around the Lunmar Islands, adding five days "
                "to the voyage."
            ),
            h("Bread prices"),
            p(
                "In Kolvena, the price of a standard rye loaf has risen by 12 percent in "
                "three weeks, according to the city's statistics office. The Veskarian "
                "government said it would release grain from strategic reserves if the "
                "backlog lasts beyond the end of the month."
            ),
            p(
                "The Ostrel Union's transport commissioner said the rules were needed "
                "after two groundings last winter, and that certificates were being "
                "issued \u201cas fast as inspectors can board\u201d. Eleven ships were "
                "certified on the first day."
            ),
            p(
                "The Lantern's count is based on public position reports broadcast by "
                "ships; our method is described on the "
                '<a href="https://data.alderbaylantern.example/tessaly-anchorage">data '
                "desk's page</a>."
            ),
        ],
    ),
]
