"""Word lists for the attribution plugin: cue verbs, pronouns, titles, roles and stop words.

Lower-case throughout. Cue verbs were chosen from the cue words most often annotated in the
PolNeAR training split; the role and organisation words are general English news vocabulary.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Verbs of saying and reporting, in the forms that head an attribution ("said", "says", ...).
SPEECH_CUES = _words(
    """
    said says say saying told tells telling added adds adding noted notes noting argued
    argues argue arguing claimed claims claiming explained explains explaining warned warns
    warning insisted insists insisting stated stating wrote writes tweeted tweets announced
    announces reported reports asked asks replied replies responded responds continued
    concluded concludes recalled recalls recalling declared declares acknowledged
    acknowledges acknowledging admitted admits conceded concedes confirmed confirms denied
    denies suggested suggests suggesting stressed stresses emphasized emphasised emphasizes
    contended contends observed observes predicted predicts alleged alleges complained
    complains cautioned cautions testified testifies revealed reveals estimated estimates
    countered counters charged charges promised promises pledged pledges vowed vows assured
    urged urges remarked remarks boasted boasts mentioned mentions posted posts commented
    comments disclosed discloses asserted asserts reiterated reiterates wondered wonders
    agreed agrees found finds shows show showed believes believe thinks cited cites citing
    called calling calls described describes describing criticized criticizes criticizing
    criticised accused accuses accusing endorsed endorses declined declines sought seeks
    referring referred pointed points proposed proposes supports defended defends offered
    praised praises praising hopes hoped hoping attacked questioned questions questioning
    opposed opposes spoke denounced denouncing rejected rejects blasted blasts blasting
    named expressed dismissed dismisses blamed blames decried challenged mocked mocks
    discussed highlighted touted touts lamented slammed slams joked jokes echoed condemned
    threatened emailed answered recounted thanked repeated reminded indicated indicates
    fears feared worried worries insist urge warn suggest claim
    """
)

#: Cues that report an act or attitude rather than words ("criticized", "pledged", "polls show"):
#: they attribute when a reported clause or quotation follows ("pledged that …", "called it “…”")
#: or when their subject is a named person or a pronoun.
ACT_CUES = _words(
    """
    called calling calls described describes describing criticized criticizes criticizing
    criticised accused accuses accusing endorsed endorses declined declines sought seeks
    referring referred pointed points proposed proposes supports defended defends offered
    praised praises praising vowed vows pledged pledges promised promises hopes hoped hoping
    attacked questioned questions questioning opposed opposes spoke denounced denouncing
    rejected rejects blasted blasts blasting mentioned mentions named expressed dismissed
    dismisses blamed blames decried assured challenged mocked mocks discussed highlighted
    touted touts lamented slammed slams joked jokes echoed boasted boasts condemned
    threatened emailed answered recounted thanked repeated reminded indicated indicates
    fears feared worried worries agreed agrees found finds shows show showed believes
    believe thinks cited cites citing asked asks urged urges posted predicted predicts
    estimated estimates revealed reveals see sees refused refuses plans planned knows call
    praise criticize reject oppose doubt doubts acknowledge deny denied admit fear worry
    wonder wondered considers suspect suspects suspected insist insists tout bemoaned
    assailed rebutted derided lambasted ripped hailed welcomed conceded signaled signalled
    think thought want wants wanted know knew feel feels felt hope expect expects expected
    prefer prefers support supported supporting backing modeled modelled projected projects
    calculated pointing promising asking mention read reads tweeting retweeted
    compared shared chanted declaring railed repeating voiced pleaded writing pledging
    encouraged embraced blame referenced applauded offers mentioning shouted urging thanking
    touting yelled reminding note endorsing distanced remember interjected apologized
    implying implied speculated deemed invoked proposing challenging
    seek seeks seeking talking talked discuss discusses voted agree endorse considered
    considers learned favor favors
    """
)

#: Cues of attitude that groups and roles hold as well as named people ("voters want …").
ATTITUDE_CUES = _words(
    """
    think thinks thought believe believes want wants wanted hope hopes hoped fear fears feared
    expect expects prefer prefers support supports supported oppose opposes see sees know knows
    feel feels felt consider considers favor favors seek seeks seeking worry worries
    """
)

#: Cues by which a poll, study or record reports a finding ("the poll found …").
FINDING_CUES = _words(
    """
    show shows showed showing found finds suggest suggests revealed reveals estimated
    estimates modeled modelled projected projects calculated
    """
)

#: People whose findings are reported like a study's ("scholars modeled …", "economists estimate").
RESEARCHERS = _words(
    """
    scholars researchers scientists economists analysts experts pollsters academics
    statisticians demographers
    """
)

#: Roles by which a story names its central figure ("the GOP presidential nominee").
PROTAGONIST_ROLES = _words(
    "nominee candidate front-runner frontrunner billionaire businessman businesswoman mogul"
)

#: Nouns for findings that "show" or "found" something ("a poll shows …", "the study found …").
EVIDENCE_NOUNS = _words(
    """
    poll polls survey surveys study studies analysis data report reports research review
    audit investigation records documents figures numbers results count video footage
    transcript memo email emails slide slides presentation chart
    """
)

#: Nouns that, after a leading "In", name the source of the clause ("In a CNN poll, …").
SOURCE_VENUES = EVIDENCE_NOUNS | _words(
    """
    interview statement letter speech tweet post op-ed column book filing testimony remarks
    debate briefing appearance essay editorial release lawsuit complaint brief
    """
)

SPEECH_CUES = SPEECH_CUES | ACT_CUES

#: Cues that are also ordinary verbs ("the state had added a week"): these attribute only with
#: a reported clause or at the end of one, whoever the subject is.
DEED_CUES = _words("added adds")

#: Cue verbs that allow the inverted order ("…, said the minister", "…, says Foreign Office").
INVERTIBLE = _words(
    """
    said says added adds noted notes wrote writes asked asks explained explains continued
    continues replied replies recalled recalls argued argues insisted insists warned warns
    concluded concludes declared declares stated states reported reports tweeted tweets
    countered counters responded responds observed observes acknowledged acknowledges
    """
)

#: Cues whose object is the listener, not the content ("X told Y that …"): never inverted.
ADDRESSEE_CUES = _words("told tells tell telling assured assures urged urges")

#: Cue words that are also common nouns ("insurance claims", "news reports"): need a subject.
NOUN_LIKE_CUES = _words(
    """
    claims reports notes states remarks posts comments charges estimates show shows questions
    tweets
    """
)

#: Words that may stand between a subject and its cue verb ("she has also said").
AUXILIARIES = _words(
    """
    has have had also later previously earlier recently then again once repeatedly publicly
    reportedly privately already often frequently further still just never always will would
    could may might should did does do is was were are be been being not n't long flatly
    initially subsequently separately simply herself himself themselves itself quickly
    bluntly can cannot must can't won't hasn't haven't hadn't doesn't didn't don't isn't
    aren't wasn't weren't shouldn't wouldn't couldn't mustn't can’t won’t hasn’t haven’t
    hadn’t doesn’t didn’t don’t isn’t aren’t wasn’t weren’t shouldn’t wouldn’t couldn’t
    """
)

#: Subject pronouns and what they refer to.
PERSON_PRONOUNS = _words("he she him her his hers")
PLURAL_PRONOUNS = _words("they them their")
SELF_PRONOUNS = _words("i we")

#: Words that open a noun phrase without being part of a name.
DETERMINERS = _words(
    """
    the a an his her their its our my your this that these those some many several other
    another one two three four five six seven eight nine ten most few both each every any
    all such no
    """
)

#: Honorifics and titles dropped from a name ("Gov. Mike Pence" → "Mike Pence").
TITLES = _words(
    """
    mr mrs ms mx miss dr prof sir dame lord lady rev gov sen rep gen col lt capt sgt adm maj
    president vice senator governor representative congressman congresswoman secretary
    minister ambassador judge justice chairman chairwoman mayor general governor-elect
    president-elect premier chancellor king queen prince princess pope sheikh former acting
    deputy interim state foreign prime attorney speaker commissioner chief director
    professor pastor bishop father sister brother candidate nominee majority minority leader
    pollster moderator host anchor correspondent spokesman spokeswoman spokesperson adviser
    advisor aide economist analyst strategist
    """
)

#: Nouns naming a person by role ("the spokesperson", "the minister").
ROLE_NOUNS = _words(
    """
    spokesperson spokesman spokeswoman minister secretary president senator governor
    candidate nominee chairman chairwoman chair director ambassador official adviser advisor
    aide lawyer attorney professor economist analyst manager leader chief executive ceo
    founder mayor congressman congresswoman representative lawmaker legislator judge general
    commissioner researcher author strategist pollster host anchor moderator mate speaker
    chancellor premier deputy head expert scientist psychologist doctor physician historian
    reporter editor columnist commentator activist organizer organiser owner partner
    president-elect officer prosecutor sheriff superintendent prince princess king queen
    rabbi pastor priest bishop treasurer administrator coordinator consultant fellow scholar
    surgeon teacher student worker veteran witness member
    """
)

#: Plural or collective nouns that name a group of claimants ("officials said", "polls show").
GROUP_NOUNS = _words(
    """
    scholars diplomats insiders allies percent polling majority plurality respondents
    officials sources source critics supporters opponents experts analysts economists
    researchers scientists aides advisers advisors lawyers attorneys observers voters
    residents democrats republicans leaders lawmakers legislators members investigators
    prosecutors authorities police officers people americans reports report polls poll
    surveys survey study studies data documents records statement statements figures
    estimates numbers government administration campaign committee court department ministry
    agency office party company firm group organization organisation spokespeople spokesmen
    staff team media press newspaper paper network website filing filings lawsuit complaint
    letter memo analysis
    """
)

#: Quantities that head a group of claimants ("many said", "58 percent of voters say", "45% say").
QUANTITIES = _words(
    """
    many some most others few several both none half majority majorities minority plurality third
    thirds quarter quarters fourths fifths percent two-thirds three-fourths three-quarters
    one-third
    """
)

#: Words ending in "-ly" that are nouns or adjectives, not adverbs ("early results", "Italy").
LY_WORDS = _words(
    """
    early daily weekly monthly yearly quarterly family ally elderly friendly likely
    holy rally supply assembly lonely costly deadly orderly ugly italy
    """
)

#: Participles that may follow the group they describe before its cue ("voters polled said").
POSTMODIFIERS = _words("polled surveyed interviewed questioned sampled overall")

#: Nouns for a text that speaks for its author ("Ivana Trump's brief said" → Ivana Trump).
DOCUMENT_NOUNS = _words(
    """
    statement brief letter report tweet tweets filing lawsuit complaint website memo email
    post book op-ed ad advertisement speech remarks testimony submission release analysis
    study survey poll campaign spokesman spokeswoman spokesperson slide slides presentation
    chart memo
    """
)

#: Words in a capitalised name that make it an organisation rather than a person.
ORG_WORDS = _words(
    """
    office ministry department party committee campaign times post news journal institute
    university college court agency association council administration house senate congress
    inc corp corporation company co group foundation center centre bank network service
    commission bureau board union league federation police army navy government state states
    reuters ap cnn fox nbc abc cbs msnbc npr bbc politico tribune herald gazette press daily
    magazine review report school hospital church club fund trust organization organisation
    coalition alliance institution authority project initiative program programme city
    county province republic kingdom
    """
)

#: Lower-case words that end a noun phrase when read backwards from a cue.
NP_STOPS = _words(
    """
    that and but or because when while as if which who whom whose where than though although
    after before since until in on at by with to from into about against during without over
    under between through across toward towards upon is was were are be been said says told
    not so yet also there here it's what how why
    """
)

#: Words that open an aside between a subject and its verb: relatives, prepositions, adverbs.
ASIDE_OPENERS = _words(
    """
    who whom whose which where of from in at on during after before with without for like
    unlike including among by despite near as however though too meanwhile instead also again
    then now moreover once still
    """
)

#: Words opening an adverbial clause before a subject ("When asked, …", "Asked about it, …").
SUBORDINATORS = _words(
    "when while after before since if although though as because asked until unless once whereas"
)

#: Days, months and times that may stand between a subject and its cue ("Sanders on Saturday said").
TIME_WORDS = _words(
    """
    day days hour hours minute minutes decade decades century time monday tuesday wednesday
    thursday friday saturday sunday today yesterday tonight morning afternoon evening night
    week weeks month months year years weekend january february march april may june july
    august september october november december
    """
)

#: Words that open a "Label:" line without naming a speaker ("Editor's note:", "Photo:").
COLON_STOPS = _words(
    """
    note update editor photo image video watch read related caption correction source
    sources advertisement credit q a subscribe share name age city job pay title location
    byline dateline headline section length language copyright publication body graphic
    """
)

#: Capitalised words that open a sentence rather than a name ("However", "Does", "Monday").
NOT_NAMES = _words(
    """
    the a an in on at for but and if when while this that these those he she they we it i
    his her their its after before since as so yet or of to by with from monday tuesday
    wednesday thursday friday saturday sunday january february march april may june july
    august september october november december does did do is was were are will can could
    should would has have had what why how who where not no yes then now here there also
    still even just meanwhile however though although because once like unlike under over
    about into during according asked said says told
    """
)

#: Titles and kinship words that tell a person's gender ("Mrs. Clinton", "wife Ivana").
FEMALE_TITLES = _words("mrs ms miss madam dame lady wife widow daughter mother sister ex-wife")
MALE_TITLES = _words("mr sir lord husband son father brother ex-husband")

#: Common first names by gender, for "she"/"he" (US and international news figures).
FEMALE_NAMES = _words(
    """
    hillary ivana melania ivanka tiffany nancy elizabeth sarah susan mary patricia jennifer
    linda barbara margaret lisa karen betty helen sandra donna carol ruth sharon michelle laura
    kimberly deborah jessica shirley cynthia angela melissa brenda amy anna rebecca virginia
    kathleen pamela martha debra amanda stephanie carolyn christine janet catherine frances
    ann joyce diane alice julie heather teresa doris gloria evelyn jean cheryl mildred
    katherine joan ashley judith rose janice kelly nicole judy christina kathy theresa beverly
    denise tammy irene jane lori rachel marilyn andrea kathryn louise sara anne jacqueline
    wanda bonnie julia ruby lois tina phyllis norma paula diana annie lillian emily robin
    peggy crystal gladys rita dawn connie florence tracy edna tiffany carmen rosa cindy grace
    wendy victoria edith kim sherry sylvia josephine thelma shannon sheila ethel ellen elaine
    marjorie carrie charlotte monica esther pauline emma juanita anita rhonda hazel amber eva
    debbie april leslie clara lucille jamie joanne eleanor valerie danielle megan alicia
    suzanne michele gail bertha darlene veronica jill erin geraldine lauren cathy joann
    lorraine lynn sally regina erica beatrice dolores bernice audrey yvonne annette marion
    dana stacy ana renee ida vivian roberta holly brittany melanie loretta yolanda jeanette
    laurie katie kristen vanessa alma sue elsie beth jeanne condoleezza madeleine huma
    chelsea debbie kellyanne hope sheryl carly nikki elena sonia ruth loretta janet kamala
    dianne barbara claire tammy kirsten elise marsha kelly jeanne angela theresa marine
    """
)
MALE_NAMES = _words(
    """
    donald bernie bill barack joe mike michael john james robert william david richard charles
    joseph thomas christopher daniel paul mark george steven kenneth andrew edward brian kevin
    ronald timothy jason jeffrey ryan jacob gary nicholas eric stephen jonathan larry justin
    scott brandon frank benjamin gregory samuel raymond patrick alexander jack dennis jerry
    tyler aaron jose henry adam douglas nathan peter zachary kyle walter harold jeremy ethan
    carl keith roger gerald christian terry sean arthur austin noah lawrence jesse joe bryan
    billy jordan albert dylan bruce willie gabriel alan juan logan wayne ralph roy eugene
    randy vincent russell louis philip bobby johnny bradley ted marco jeb rand chris newt
    mitch reince rudy ben rick lindsey harry barney tim tom jim bob dick rob steve dan matt
    al jeff greg ron ken doug hank chuck rahm martin colin vladimir xi benjamin francis pope
    rex reed evan kevin corey jared eric stephen sean anthony mitt lyndon ronald gerald jimmy
    dwight franklin abraham howard elijah luis carlos jorge enrique ildefonso vicente felipe
    andres manuel miguel pedro ricardo fernando alberto antonio sergio hugo angel boris
    francois emmanuel nicolas recep bashar hassan ali ahmed mohammed muhammad omar
    """
)
