"""English vocabulary of the demo newsroom, one entry per topic (data only)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Verb:
    """A verb in the three forms news prose needs: base, past and third person."""

    base: str
    past: str
    third: str


@dataclass(frozen=True)
class TopicWords:
    """Words and phrases for one topic of English news."""

    actors: tuple[str, ...]  # singular agents
    groups: tuple[str, ...]  # plural agents
    verbs: tuple[Verb, ...]
    objects: tuple[str, ...]
    quotes: tuple[str, ...]
    claims: tuple[str, ...]
    subheads: tuple[str, ...]
    captions: tuple[str, ...]
    tags: tuple[str, ...]
    roles: tuple[str, ...]


def verbs(spec: str) -> tuple[Verb, ...]:
    """Parse "raise raised raises; roll_out rolled_out rolls_out" into Verb entries."""
    return tuple(Verb(*(w.replace("_", " ") for w in part.split())) for part in spec.split(";"))


def phrases(spec: str) -> tuple[str, ...]:
    """Parse a "|"-separated list of phrases."""
    return tuple(part.strip() for part in spec.split("|"))


TOPICS_EN: Mapping[str, TopicWords] = MappingProxyType(
    {
        "politics": TopicWords(
            actors=phrases(
                "the government | the foreign minister | the prime minister"
                " | the UN Security Council"
                " | the ruling coalition | the interior ministry | the army"
                " | the electoral commission"
                " | the president | parliament | the Arab League | the opposition alliance"
            ),
            groups=phrases(
                "regime forces | opposition lawmakers | rebel fighters | Kurdish-led forces"
                " | protesters | European leaders | Russian diplomats | security forces"
            ),
            verbs=verbs(
                "reject rejected rejects; approve approved approves; condemn condemned condemns;"
                " announce announced announces; postpone postponed postpones; back backed backs;"
                " criticise criticised criticises; sign signed signs; launch launched launches;"
                " suspend suspended suspends; welcome welcomed welcomes; propose proposed proposes"
            ),
            objects=phrases(
                "a ceasefire deal | the draft constitution | a new cabinet | early elections"
                " | the peace talks | a security agreement | the emergency law"
                " | a prisoner exchange"
                " | a humanitarian corridor | sanctions on senior officials"
                " | a referendum on autonomy"
                " | the nuclear accord | a national dialogue plan"
                " | an offensive on the eastern districts"
                " | the reopening of the border crossing | a reconstruction plan"
            ),
            quotes=phrases(
                "We will not accept any deal that ignores the victims"
                " | The situation on the ground remains extremely fragile"
                " | This is a severe blow to the militants"
                " | Nobody wants a return to the violence of the past"
                " | Our door remains open to dialogue"
                " | The coming weeks will be decisive for the whole region"
                " | We have seen an increasingly worrying spike in military operations"
                " | The people are tired of promises that are never kept"
                " | There can be no military solution to this conflict"
                " | We call on all parties to exercise restraint"
            ),
            claims=phrases(
                "the talks had made no real progress | civilians were still trapped in the old city"
                " | the vote would go ahead as planned | several buildings had been taken overnight"
                " | the decision violated earlier agreements | dozens of families had fled the area"
                " | the delegation would return next week | the ceasefire was largely holding"
            ),
            subheads=phrases(
                "Civilians killed in airstrikes | Talks stall | Fresh protests"
                " | Pressure from abroad"
                " | A fragile truce | Calls for restraint | Opposition divided"
                " | Thousands displaced"
            ),
            captions=phrases(
                "Map of the region locating {city} | Security forces patrol a street in {city}"
                " | Delegates arrive for talks in {city} | Protesters gather in central {city}"
                " | A damaged building on the outskirts of {city}"
            ),
            tags=phrases(
                "Syria | Lebanon | Iraq | elections | United Nations | diplomacy | conflict"
                " | refugees | human rights | Middle East"
            ),
            roles=phrases(
                "a spokesman for the ministry | a senior diplomat | an analyst at the Carnegie"
                " Middle East Center | head of a Britain-based monitoring group | a member of"
                " parliament | a regional security expert"
            ),
        ),
        "economy": TopicWords(
            actors=phrases(
                "the central bank | the finance ministry | the stock exchange | the IMF"
                " | the national airline | the tourism board | the World Bank"
                " | the statistics office"
                " | the phosphate group | the chamber of commerce"
            ),
            groups=phrases(
                "oil producers | OPEC members | state-owned banks | investors | small businesses"
                " | exporters | carmakers | property developers"
            ),
            verbs=verbs(
                "raise raised raises; cut cut cuts; unveil unveiled unveils;"
                " revise revised revises;"
                " freeze froze freezes; secure secured secures; expand expanded expands;"
                " launch launched launches; approve approved approves; delay delayed delays"
            ),
            objects=phrases(
                "interest rates | its growth forecast | a $1.2 billion loan | fuel subsidies"
                " | a new tax on imports | the budget deficit target | output targets"
                " | a solar power project | a bond issue | the minimum wage | a free trade zone"
                " | a new port terminal | the privatisation programme | customs tariffs on steel"
            ),
            quotes=phrases(
                "Inflation is coming down faster than we expected"
                " | The recovery is real but it remains uneven"
                " | Investors want stability more than anything else"
                " | We cannot keep borrowing to pay for subsidies"
                " | This project will create thousands of jobs"
                " | The currency has held up better than many feared"
                " | Households are still feeling the pinch"
                " | Exports are the key to long-term growth"
            ),
            claims=phrases(
                "growth would slow in the second half | the deficit had narrowed for a third year"
                " | prices of basic goods had risen sharply"
                " | foreign reserves were at a record high"
                " | the reform would be phased in over two years | tourism revenues had recovered"
            ),
            subheads=phrases(
                "Inflation slows | Jobs at stake | A cautious outlook | Reserves rebuilt"
                " | Investors wait | Subsidy reform"
            ),
            captions=phrases(
                "Traders at the stock exchange in {city} | Containers stacked at the port of {city}"
                " | A shopper at a market in {city} | The central bank headquarters in {city}"
                " | Workers at a construction site near {city}"
            ),
            tags=phrases(
                "oil | inflation | banking | trade | investment | OPEC | jobs | tourism"
                " | energy | markets"
            ),
            roles=phrases(
                "an economist at Capital Economics | head of the chamber of commerce | a senior"
                " trader | the finance minister | an analyst at a Gulf investment bank"
                " | a spokeswoman for the central bank"
            ),
        ),
        "sports": TopicWords(
            actors=phrases(
                "Wydad Casablanca | the national team | Liverpool | Real Madrid | FIFA"
                " | the football federation | the Olympic committee | Al Ahly | the club president"
                " | Tottenham | the defending champion | the head coach"
            ),
            groups=phrases(
                "the players | Raja supporters | the organisers | league officials"
                " | the team doctors | the Pharaohs"
            ),
            verbs=verbs(
                "sign signed signs; confirm confirmed confirms; extend extended extends;"
                " clinch clinched clinches; drop dropped drops; unveil unveiled unveils;"
                " reach reached reaches; appeal appealed appeals; secure secured secures;"
                " postpone postponed postpones"
            ),
            objects=phrases(
                "a two-year contract | a place in the World Cup finals | the league title"
                " | the semi-final | a new stadium project | the African Champions League final"
                " | a record transfer fee | the squad for the friendly | a three-match ban"
                " | a training camp in Spain | the derby against Raja | the Olympic qualifiers"
            ),
            quotes=phrases(
                "We showed character in the second half"
                " | I hope to continue with this team for many years"
                " | The supporters deserve this trophy"
                " | Nothing is decided until the final whistle"
                " | We made too many mistakes at the back"
                " | This is the best squad I have ever coached"
                " | The referee's decisions cost us the match"
            ),
            claims=phrases(
                "the striker would miss three weeks with a hamstring injury | ticket sales had"
                " broken records | the match would be played behind closed doors | the goalkeeper"
                " had agreed a new deal | the coach had lost the dressing room"
            ),
            subheads=phrases(
                "A late winner | Injury worries | Fans celebrate | Transfer talk | Title race"
                " | Coach under pressure"
            ),
            captions=phrases(
                "Players celebrate a goal in {city} | Supporters in the stands in {city}"
                " | The coach watches training in {city} | The new stadium under construction"
                " near {city}"
            ),
            tags=phrases(
                "football | World Cup | Champions League | transfers | Olympics | athletics"
                " | tennis | Botola"
            ),
            roles=phrases(
                "the team's captain | the club's sporting director | a former international"
                " | the federation's spokesman | the head coach"
            ),
        ),
        "technology": TopicWords(
            actors=phrases(
                "Amazon | Apple | Samsung | a Dubai start-up | Google | Facebook | the space agency"
                " | Huawei | the telecoms regulator | the ministry of communications"
                " | the data protection authority"
            ),
            groups=phrases(
                "telecom operators | researchers | hackers | app developers | chipmakers"
                " | internet users"
            ),
            verbs=verbs(
                "launch launched launches; unveil unveiled unveils; test tested tests;"
                " fine fined fines; acquire acquired acquires; block blocked blocks;"
                " patch patched patches; open opened opens; delay delayed delays;"
                " roll_out rolled_out rolls_out"
            ),
            objects=phrases(
                "a cashierless shop | a 5G network | a new smartphone | an artificial intelligence"
                " lab | a data protection law | a communications satellite | its cloud service"
                " | a serious security flaw | a mobile payment app | a fleet of electric buses"
                " | a coding school for girls | a fibre network for rural areas"
                " | a ride-hailing app"
            ),
            quotes=phrases(
                "Privacy is not a luxury, it is a right"
                " | The technology is ready but the regulation is not"
                " | We want to train a new generation of engineers"
                " | Customers will not notice any difference"
                " | This is only the first step"
                " | Nobody has yet proved that the system is safe"
            ),
            claims=phrases(
                "millions of accounts had been exposed | the service would reach 20 cities by"
                " next year | the device had sold out within hours | the company had hired 300"
                " engineers | the launch had been delayed twice"
            ),
            subheads=phrases(
                "Privacy concerns | A crowded market | Testing begins | Regulators step in"
                " | Start-ups thrive"
            ),
            captions=phrases(
                "A visitor tries the new device in {city} | Engineers at a research centre in"
                " {city} | The company's stand at a trade fair in {city}"
                " | A data centre near {city}"
            ),
            tags=phrases(
                "smartphones | artificial intelligence | cybersecurity | start-ups | space"
                " | telecoms | privacy | social media"
            ),
            roles=phrases(
                "a security researcher | the company's regional director | a technology analyst"
                " | a spokesman for the regulator | a professor of computer science"
            ),
        ),
        "culture": TopicWords(
            actors=phrases(
                "the Marrakech film festival | the culture ministry | the Louvre Abu Dhabi"
                " | the national theatre | UNESCO | the Carthage festival | the Cairo opera house"
                " | a young Moroccan director | a Lebanese novelist | the national library"
            ),
            groups=phrases(
                "museum curators | local artists | the organisers | publishers | young musicians"
                " | calligraphers"
            ),
            verbs=verbs(
                "open opened opens; honour honoured honours; restore restored restores;"
                " premiere premiered premieres; cancel cancelled cancels; celebrate celebrated"
                " celebrates; present presented presents; host hosted hosts"
            ),
            objects=phrases(
                "a retrospective of Arabic calligraphy | its new season | an ancient mosque"
                " | a documentary about migrants | the annual book fair | a collection of rare"
                " manuscripts | the jazz festival | a prize for young poets | a new adaptation of"
                " a classic play | an exhibition of modern photography | a concert for peace"
            ),
            quotes=phrases(
                "Culture is what holds a society together"
                " | We wanted to give a voice to those who are rarely heard"
                " | Every manuscript tells a story about our past"
                " | The public response has been overwhelming"
                " | Art should make people uncomfortable sometimes"
                " | This festival belongs to the whole city"
            ),
            claims=phrases(
                "more than 40,000 visitors were expected | the restoration had taken six years"
                " | the film had been shot in only three weeks | tickets had sold out in a day"
                " | the collection would travel to three countries"
            ),
            subheads=phrases(
                "A rich programme | Restoring the past | New voices | A packed house"
                " | Behind the scenes"
            ),
            captions=phrases(
                "Visitors at the exhibition in {city} | The restored facade of a mosque in {city}"
                " | Actors on stage in {city} | A calligrapher at work in {city}"
            ),
            tags=phrases(
                "cinema | music | literature | heritage | theatre | art | festivals | books"
            ),
            roles=phrases(
                "the festival's director | a curator at the museum | a literary critic"
                " | the culture minister | a theatre producer"
            ),
        ),
    }
)

FIRST_NAMES: tuple[str, ...] = phrases(
    "Karim | Leila | Youssef | Marianne | Omar | Nadia | Samir | Hassan | Fatima | David"
    " | Elena | Ahmed | Sophie | Khaled | Rania | Tarek | Mona | Jean | Peter | Aicha"
)
LAST_NAMES: tuple[str, ...] = phrases(
    "Haddad | Bennani | El Amrani | Gasser | Mansour | Khoury | Tazi | Saleh | Dupont"
    " | Fischer | Nasser | Alaoui | Harb | Rahman | Karam | Lahlou | Moreau | Collins"
)
TIMES: tuple[str, ...] = phrases(
    "on Monday | on Tuesday | on Wednesday | on Thursday | on Friday | on Saturday"
    " | on Sunday | last week | earlier this month | late on Thursday | overnight"
)
ATTRIBUTIONS: tuple[str, ...] = phrases(
    "according to officials | state media reported | a spokesman said | according to a"
    " statement | witnesses said | according to a military source | the official news"
    " agency reported | sources close to the matter said"
)
COMMENTERS: tuple[str, ...] = phrases(
    "Sami K. | observer1984 | Layla | John from Leeds | M. Haddad | Rachid | Anna B."
    " | truthseeker | Hicham | Claire"
)
COMMENT_OPENERS: tuple[str, ...] = phrases(
    "Good reporting, thanks. | I have been saying this for years. | Sad news. | Finally!"
    " | Does anyone believe this? | Interesting article. | I was there last year."
)
