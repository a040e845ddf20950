package dgagen

import "strings"

// The dictionaries wordlist schemes draw from. DGAs ship their own lists:
// common English words (suppobox, matsnu, bigviktor), verbs and nouns
// (matsnu), names, or the words of a text (rovnix and gozi read a document
// such as the US Declaration of Independence or a licence text). These are
// written here, not copied from any family.

var functionWords = strings.Fields(`
a about above after again against all also an and any are as at be because
been before being below between both but by can could did do does down
during each few for from further had has have he her here hers him his how
if in into is it its just me more most my no nor not now of off on once
only or other our out over own same she should so some such than that the
their them then there these they this those through to too under until up
very was we were what when where which while who whom why will with would
you your`)

var verbs = strings.Fields(`
accept achieve act add admire admit advise afford agree alert allow amuse
announce answer appear apply approve argue arrange arrive ask attach attack
attempt attend attract avoid bake balance ban bang bathe battle beam beg
behave belong bless blink blow boast boil bolt bomb book bore borrow bounce
bow box brake branch breathe bring build bump burn bury buy call camp care
carry carve cause challenge change charge chase cheat check cheer chew
choke choose chop claim clap clean clear climb clip close coach collect
comb command compare compete complain complete concern confess confuse
connect consider consist contain continue copy correct cough count cover
crack crash crawl cross crush cry cure curl cut cycle dam damage dance dare
decay deceive decide decorate delay delight deliver depend describe desert
deserve destroy detect develop disagree disappear discover dislike divide
double doubt drag drain draw dream dress drink drip drive drop drown dry
earn educate embarrass employ empty encourage end enjoy enter entertain
escape examine excite excuse exercise exist expand expect explain explode
extend face fade fail fancy fasten fax fear fence fetch file fill film find
fire fit fix flash float flood flow flower fold follow fool force form found
frame frighten fry gather gaze glow glue grab grate grease greet grin grip
groan guarantee guard guess guide hammer hand handle hang happen harm hate
haunt head heal heap heat help hook hop hope hover hug hum hunt hurry
identify ignore imagine impress improve include increase influence inform
inject injure instruct intend interest interfere interrupt introduce invent
invite irritate itch jail jam jog join joke judge juggle jump kick kill kiss
kneel knit knock knot label land last laugh launch learn level license lick
lie lighten like list listen live load lock long look love manage march mark
marry match mate matter measure melt memorise mend milk mine miss mix moan
moor mourn move muddle mug multiply murder nail name need nest nod note
notice number obey object observe obtain occur offend offer open order
overflow owe own pack paddle paint park part pass paste pat pause peck pedal
peel peep perform permit phone pick pinch pine place plan plant play please
plug point poke polish pop possess post pour practise pray preach precede
prefer prepare present preserve press pretend prevent prick print produce
program promise protect provide pull pump punch puncture punish push
question queue race radiate rain raise reach realise receive recognise
record reduce reflect refuse regret reign reject rejoice relax release
remain remember remind remove repair repeat replace reply report reproduce
request rescue retire return rhyme rinse risk rob rock roll rot rub ruin rule
rush sack sail satisfy save saw scare scatter scold scorch scrape scratch
scream screw scribble scrub seal search separate serve settle shade share
shave shelter shiver shock shop shrug sigh sign signal sin sip ski skip slap
slip slow smash smell smile smoke snatch sneeze sniff snore snow soak
soothe sound spare spark sparkle spell spill spoil spot spray sprout
squash squeak squeal squeeze stain stamp stare start stay steer step stir
stitch stop store strap strengthen stretch strip stroke stuff subtract
succeed suck suffer suggest suit supply support suppose surprise surround
suspect suspend switch talk tame tap taste tease telephone tempt terrify
test thank thaw tick tickle tie time tip tire touch tour tow trace trade
train transport trap travel treat tremble trick trip trot trouble trust try
tug tumble turn twist type undress unfasten unite unlock unpack untidy use
vanish visit wail wait walk wander want warm warn wash waste watch water
wave weigh welcome whine whip whirl whisper whistle wink wipe wish wobble
wonder work worry wrap wreck wrestle wriggle yawn yell zip zoom`)

var nouns = strings.Fields(`
account act addition adjustment advertisement agreement air amount
amusement animal answer apparatus approval argument art attack attempt
attention attraction authority back balance base behavior belief birth bit
bite blood blow body brass bread breath brother building burn burst
business butter canvas care cause chalk chance change cloth coal color
comfort committee company comparison competition condition connection
control cook copper copy cork cotton cough country cover crack credit crime
crush cry current curve damage danger daughter day death debt decision
degree design desire destruction detail development digestion direction
discovery discussion disease disgust distance distribution division doubt
drink driving dust earth edge education effect end error event example
exchange existence expansion experience expert fact fall family father fear
feeling fiction field fight fire flame flight flower fold food force form
friend front fruit glass gold government grain grass grip group growth guide
harbor harmony hate hearing heat help history hole hope hour humor ice idea
impulse increase industry ink insect instrument insurance interest invention
iron jelly join journey judge jump kick kiss knowledge land language laugh
law lead learning leather letter level lift light limit linen liquid list
look loss love machine man manager mark market mass meal measure meat
meeting memory metal middle milk mind mine minute mist money month morning
mother motion mountain move music name nation need news night noise note
number observation offer oil operation opinion order organization ornament
owner page pain paint paper part paste payment peace person place plant
play pleasure point poison polish porter position powder power price print
process produce profit property prose protest pull punishment purpose push
quality question rain range rate ray reaction reading reason record regret
relation religion representative request respect rest reward rhythm rice
river road roll room rub rule run salt sand scale science sea seat secretary
selection self sense servant sex shade shake shame shock side sign silk
silver sister size sky sleep slip slope smash smell smile smoke sneeze snow
soap society son song sort sound soup space stage start statement steam
steel step stitch stone stop story stretch structure substance sugar
suggestion summer support surprise swim system talk taste tax teaching
tendency test theory thing thought thunder time tin top touch trade
transport trick trouble turn twist unit use value verse vessel view voice
walk war wash waste water wave wax way weather week weight wind wine winter
woman wood wool word work wound writing year apple baby bag ball band basin
basket bath bed bee bell berry bird blade board boat bone book boot bottle
box boy brain brake branch brick bridge brush bucket bulb button cake camera
card cart carriage cat chain cheese chest chin church circle clock cloud coat
collar comb cord cow cup curtain cushion dog door drain drawer dress drop
ear egg engine eye face farm feather finger fish flag floor fly foot fork
fowl frame garden girl glove goat gun hair hammer hand hat head heart hook
horn horse hospital house island jewel kettle key knee knife knot leaf leg
library line lip lock map match monkey moon mouth muscle nail neck needle
nerve net nose nut office orange oven parcel pen pencil picture pig pin pipe
plane plate plough pocket pot potato prison pump rail rat receipt ring rod
roof root sail school scissors screw seed sheep shelf ship shirt shoe skin
skirt snake sock spade sponge spoon spring square stamp star station stem
stick stocking stomach store street sun table tail thread throat thumb
ticket toe tongue tooth town train tray tree trousers umbrella wall watch
wheel whip whistle window wing wire worm`)

var adjectives = strings.Fields(`
able acid angry automatic awake bad beautiful bent bitter black blue
boiling bright broken brown certain cheap chemical chief clean clear cold
common complete complex conscious cruel cut dark dead dear deep delicate
dependent different dirty dry early elastic electric equal false fat feeble
female fertile first fixed flat foolish free frequent full future general
good gray great green hanging happy hard healthy high hollow ill important
kind last late left like living long loose loud low male married material
medical military mixed narrow natural necessary new normal old open
opposite parallel past physical political poor possible present private
probable public quick quiet ready red regular responsible right rough round
sad safe same second secret separate serious sharp short shut simple slow
small smooth soft solid special sticky stiff straight strange strong sudden
sweet tall thick thin tight tired true violent waiting warm wet white wide
wise wrong yellow young brave calm eager fancy gentle jolly lively nice
proud silly witty zealous amazing bold crisp fresh golden lucky magic noble
rapid shiny sunny super swift tiny vivid wild`)

var firstNames = strings.Fields(`
james mary john patricia robert jennifer michael linda william elizabeth
david barbara richard susan joseph jessica thomas sarah charles karen
christopher nancy daniel lisa matthew betty anthony margaret mark sandra
donald ashley steven kimberly paul emily andrew donna joshua michelle
kenneth dorothy kevin carol brian amanda george melissa edward deborah
ronald stephanie timothy rebecca jason sharon jeffrey laura ryan cynthia
jacob kathleen gary amy nicholas shirley eric angela jonathan helen stephen
anna larry brenda justin pamela scott nicole brandon emma benjamin samantha
samuel katherine gregory christine frank debra alexander rachel raymond
catherine patrick carolyn jack janet dennis ruth jerry maria tyler heather
aaron diane jose virginia adam julie henry joyce nathan victoria douglas
olivia zachary kelly peter christina kyle lauren walter joan ethan evelyn
jeremy judith harold megan keith cheryl christian andrea roger hannah noah
martha gerald jacqueline carl frances terry gloria sean ann austin teresa
arthur kathryn lawrence sara jesse janice dylan jean bryan alice joe madison
jordan doris billy abigail bruce julia albert judy willie grace gabriel
denise logan amber alan marilyn juan beverly wayne danielle roy theresa
ralph sophia randy marie eugene diana vincent brittany russell natalie
elijah isabella louis charlotte bobby rose philip alexis johnny kayla`)

var lastNames = strings.Fields(`
smith johnson williams brown jones garcia miller davis rodriguez martinez
hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin
lee perez thompson white harris sanchez clark ramirez lewis robinson walker
young allen king wright scott torres nguyen hill flores green adams nelson
baker hall rivera campbell mitchell carter roberts gomez phillips evans
turner diaz parker cruz edwards collins reyes stewart morris morales murphy
cook rogers gutierrez ortiz morgan cooper peterson bailey reed kelly howard
ramos kim cox ward richardson watson brooks chavez wood james bennett gray
mendoza ruiz hughes price alvarez castillo sanders patel myers long ross
foster jimenez powell jenkins perry russell sullivan bell coleman butler
henderson barnes gonzales fisher vasquez simmons romero jordan patterson
alexander hamilton graham reynolds griffin wallace moreno west cole hayes
bryant herrera gibson ellis tran medina aguilar stevens murray ford castro
marshall owens harrison fernandez mcdonald woods washington kennedy wells
vargas henry chen freeman webb tucker guzman burns crawford olson simpson
porter hunter gordon mendez silva shaw snyder mason dixon munoz hunt hicks
holmes palmer wagner black robertson boyd rose stone salazar fox warren
mills meyer rice schmidt garza daniels ferguson nichols stephens soto weaver
ryan gardner payne grant dunn kelley spencer hawkins arnold pierce hansen`)

// textWords are the words of a passage of the US Declaration of
// Independence (1776, public domain) in order, as rovnix-like schemes
// read a document.
var textWords = strings.Fields(strings.ToLower(`
When in the Course of human events it becomes necessary for one people to
dissolve the political bands which have connected them with another and to
assume among the powers of the earth the separate and equal station to which
the Laws of Nature and of Nature's God entitle them a decent respect to the
opinions of mankind requires that they should declare the causes which impel
them to the separation We hold these truths to be self evident that all men
are created equal that they are endowed by their Creator with certain
unalienable Rights that among these are Life Liberty and the pursuit of
Happiness That to secure these rights Governments are instituted among Men
deriving their just powers from the consent of the governed That whenever
any Form of Government becomes destructive of these ends it is the Right of
the People to alter or to abolish it and to institute new Government laying
its foundation on such principles and organizing its powers in such form as
to them shall seem most likely to effect their Safety and Happiness Prudence
indeed will dictate that Governments long established should not be changed
for light and transient causes and accordingly all experience hath shewn
that mankind are more disposed to suffer while evils are sufferable than to
right themselves by abolishing the forms to which they are accustomed`))

// dictionaries are the word lists a wordlist scheme can take words from.
var dictionaries = map[string][]string{
	"function":  functionWords,
	"verb":      verbs,
	"noun":      nouns,
	"adjective": adjectives,
	"first":     firstNames,
	"last":      lastNames,
	"text":      cleanText(textWords),
}

// cleanText keeps the letters of each word (drops apostrophes).
func cleanText(ws []string) []string {
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		w = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' {
				return r
			}
			return -1
		}, w)
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}
