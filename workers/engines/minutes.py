"""Grounded notes: what a minute-taker writes down, each line a said sentence (shortened,
never reworded) with its time, under the template's headings. No model is needed and
nothing can be invented (an LLM, when used, only condenses these lines, and what it
writes is checked against the transcript: ``workers.engines.grounding``).

Each sentence gets at most one kind, from the general language of meetings:

- a **decision** is something agreed or decided ("we agreed", "decided", "approved",
  "our recommendation", "let's go with"), a proposal the speaker puts as the plan
  ("I would suggest", "I'd prefer", "top priority"), or what the group does from now on said
  in the plain present, as the outcome or with a bound ("Then we order two more.", "We keep
  the old price until …", "If they say no, we buy …");
- an **action** is a future commitment: someone will do something ("I will", "we're
  going to", "Maria is looking into", "please send", "I have asked them for", "I can
  order …", "Tilda, could you call …?", "Kwame, chase the council on Thursday."), or an item of a list of tasks ("Next steps.
  First, …", "First, Bruno paints …", "So, to finish, Bruno sends … by Friday"), with its
  owner and due day when they are said; a task asked by name and the reply that takes it
  on ("Mira, will you …?" "Yes, I'll …") are one line, owned by who said yes;
- an **open question** is asked and left open (a question of some length that is not
  the agenda, an invitation to the floor or answered at once; a short one only when a
  reply soon after does not know), or explicitly left to
  decide ("a decision on that by Thursday", "what if", "we haven't decided"); a reply
  that does not know or puts it off ("I'm not sure", "let's keep that for
  later"; a short one also a sentence after the first reply) leaves the question open, and
  the question is the line.

Past events, agenda announcements ("let's start with …", "two things tonight: …", "let's
keep it brief") and rhetorical questions are none of these. A summary or key points take
the most central clauses of the meeting, not yet used. The notes are held to a quarter of
the transcript's words and about a page for an hour (``budget``): lines are shortened to the clauses that carry their
point (a framing opener, an aside after a comma, a reason or purpose clause that says no
number, name or day dropped; fillers, hedges and restarts left out: ``condense``; a
summary may take one main clause of a long sentence: ``main_clauses``, or two facts of
one that share no word; "let's", "Name, could you", a subject before "need to" left out
of a decision's or action's note; "One thing we haven't settled is", "should we", "what do we do
if" left out of an open question's: the heading says it is open), never reworded,
and the weakest go first. A decisions, actions or questions heading with nothing says
"None recorded.". A decision said again
in a recap is one line; an action that says "them" keeps the short sentence before it
when there is room, and a decision or action done to a bare "it" or "them" ("Replace it.") the
sentence that names what the talk kept naming ("Water heater keeps tripping fuse. Replace it.");
the summary values numbers, names and days over other words, and a word rare in English over a
common one.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass

from workers.engines.grounding import CALENDAR, content_words
from workers.timefmt import clock

SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-Z0-9\"'])")
WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
MONTH = (r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
         r"(?:\s+\d{1,2}(?:st|nd|rd|th)?)?")
WHEN = (rf"(?:(?:next |this )?{WEEKDAY}(?: (?:morning|afternoon|evening))?|{MONTH}|tomorrow|today|tonight|"
        r"(?:the )?end of (?:the |this |next )?(?:day|week|month|quarter|year)|"
        r"(?:next|this) (?:week|month|quarter|year)|the \d{1,2}(?:st|nd|rd|th))")
DUE = re.compile(rf"\b(?:by|before|until|no later than|on|at)\s+{WHEN}\b|\b{WHEN}\b", re.I)

# --- what a sentence is -------------------------------------------------------------
# what a meeting does with its own items: talks them through ("go through", "cover", "move on to")
MEETING_TALK = r"move on|go through|look at|talk about|discuss|hear|turn to|cover|go over"
AGENDA = re.compile(r"^(?:so,?\s+)?(?:today|tonight|this (?:morning|afternoon|evening)),?\s+(?:we|i)\b|"
                    r"(?:^|[,;]\s+)(?:so,?\s+|okay,?\s+|ok,?\s+|now,?\s+|and\s+|first,?\s+|if not,?\s+)?(?:then\s+)?"
                    r"(?:let's|let us|we'll|we will|"
                    r"i want to|i'd like to|i would like to|we can|we are going to|we're going to|today we)\s+"
                    rf"(?:start|begin|get started|kick off|wrap up|finish|{MEETING_TALK}|share|spend|open the floor|"
                    r"get back|get going|make (?:a )?start|"
                    # "Let's keep this short", "We'll keep it brief": how the meeting will go, no decision
                    r"keep (?:this|it|today|things) (?:short|brief|quick|tight))\b", re.I)
# "Three things today: …", "Four items on the agenda:": the agenda counted out
COUNTED = re.compile(r"^(?:\w+[,.]?\s+)?(?:(?:two|three|four|five|a few|a couple of) (?:things|items|points|topics)"
                     r"(?: (?:today|tonight|this (?:morning|evening|week)|on the agenda|to cover))?)[:.,]", re.IGNORECASE)
FLOOR = re.compile(r"\b(?:anyone|anybody|anything else|any (?:other |more )?questions|who has (?:any )?questions|"
                   r"any comments|does that make sense|all good|ready)\b", re.I)
# the verbs that say a matter is closed: "not decided", "haven't settled", "still need to agree on"
SETTLE = r"(?:decide[d]?|settle[d]?|agree[d]?|resolve[d]?|(?:sort|sorted|work|worked|figure|figured) out)"
PENDING = re.compile(r"\b(?:a decision on|decide (?:on|whether|if|by|between)|need(?:s)? to decide|"
                     r"(?:have|has)(?:n't| not)(?: yet)? decided|not (?:yet )?decided|undecided|to be decided|"
                     rf"(?:have|has|had)(?:n't| not)(?: yet)? {SETTLE}(?! to\b)|not (?:yet )?{SETTLE} (?:yet|on)\b|"
                     rf"still (?:need|needs|have|has) to {SETTLE}|"
                     # "Nobody has picked the paint.": a choice nobody has made yet is still to make
                     rf"(?:nobody|no one|no-one) (?:has|have)(?: yet)? (?:{SETTLE}|chosen|picked|made (?:a|the) "
                     r"(?:choice|decision)|made up (?:their|our) minds?)(?! to\b)|"
                     r"open question|still open|what if|(?:i am|i'm|we are|we're) not sure (?:whether|if|how|what|"
                     r"when|who)|unclear (?:whether|if|how|who)|"
                     r"(?:we|nobody|no one) (?:still )?(?:don't|do not|doesn't|does not) (?:yet )?know (?:is |yet )?"
                     r"(?:whether|if|yet|how|who|what|when|where|which)|tbd)\b", re.I)
# "I don't know yet whether the landlord lets us.", "The council hasn't told us whether …", "Nobody can
# tell us if …", "… is still up in the air": what is not known yet, said as a statement, is left open
UNSURE = re.compile(r"\b(?:i|we|nobody|no one|no-one)\s+(?:still\s+)?(?:don't|do not|can't|cannot|can)\s+(?:yet\s+)?"
                    r"(?:know|say|tell)(?:\s+(?:us|me|you|them))?\s+(?:yet\s+)?(?:whether|if)\b|"
                    r"\b(?:hasn't|has not|haven't|have not)\s+(?:yet\s+)?(?:said|told (?:us|me|them)|confirmed|"
                    r"answered|let (?:us|me) know)\s+(?:yet\s+)?(?:whether|if)\b|\bup in the air\b", re.IGNORECASE)
# "so go ahead", "then you can go ahead": leave to go on, the last words of a sentence
GO_AHEAD = r"(?:(?:so|then|okay|ok|yes|right)[,]?\s+)?(?:(?:you|we) can\s+)?go ahead[.!]?$"
# "the annual meeting", "the next session": a later meeting a matter is put off to
MEETING = r"the (?:annual|general|yearly|monthly|next) (?:general )?(?:meeting|session|review)"
# "Let's find out", "let's think about it", "let's ask around": looking into a matter decides nothing
INQUIRE = (r"find out|think|wait|check|look into|consider|sleep on|ask around|figure|work out|keep (?:thinking|"
           r"looking|asking)")
DECIDED = re.compile(r"\b(?:agreed|decided|settled on|signed off|approved|the decision (?:is|was)|"
                     r"(?:that's|that is|it's|it is) settled|"
                     r"our recommendation|we recommend|(?:let's|we'll|we will|we're|we are) (?:go(?:ing)? (?:with|"
                     r"ahead with)|say(?:ing)? (?:yes|no) to|stick(?:ing)? with|accept(?:ing)?|turn(?:ing)? down)|"
                     r"the plan is|consensus)\b|"
                     # "Then we'll order two more.", "Okay, then we go for the blue one.": what the group
                     # will do, said as the outcome of what was just said
                     rf"^(?:(?:okay|ok|right|fine|good|all right|alright)[,.]?\s+)?then[,]?\s+"
                     rf"we(?:'ll|’ll| will)?\s+(?!need\b|have to\b|be\b|see\b|talk\b|discuss\b|start\b|"
                     rf"move on\b|come back\b|get back\b|{INQUIRE})(?:go (?:with|for)\b|(?<=ll\s)\w|(?<=will\s)\w)|"
                     # "Fine, sixty it is.", "Saturday it is then.": the choice, confirmed
                     r"(?:^|,\s+)(?!(?:that|this|what|which|there|here|so|as|how|who|where|when|whatever|i|we|you|"
                     r"they|he|she|it|yes|yeah|no|well|maybe|perhaps|sure|if|because|whether|though)\b)"
                     r"\w+(?:[ -]\w+){0,2} it is(?: then)?[.!]?$|"
                     # "The rail has to be fixed, so go ahead.": leave to go on, given as the sentence's end
                     rf"(?:^|,\s+){GO_AHEAD}|"
                     # "The porch can wait until the summer.": a thing (not a person) put off to a later time
                     r"^(?:(?:okay|ok|so|then|well|right|and|but)[,.]?\s+)*"
                     r"(?!(?:i|we|you|they|he|she|everyone|everybody)\b)(?:[\w'-]+\s+){1,4}"
                     r"(?:can|could|will have to|has to|must|should)\s+wait\s+(?:until|till|for|after)\s+"
                     rf"(?!later\b|next time\b|{MEETING})",
                     re.I)
PROPOSED = re.compile(r"\b(?:i|we)(?:'d)?(?: \w+)? (?:suggest|propose|prefer|recommend)\b|\btop priority\b|"
                      r"\bi(?:'d| would)? say (?:we|let's)\b|"
                      r"\blet's (?!start|begin|get|wrap|move on|go through|look|talk|discuss|hear|turn|take a|"
                      rf"see|spend|have a|{INQUIRE})\w+", re.I)
# "Could we put up a sign …?", "Shall we move it to May?": a question that proposes
PROPOSAL = re.compile(r"^(?:(?:okay|ok|so|and|well|then|now|maybe|also)[,.]?\s+)*(?:(?:could|can|should|shall) we|"
                      r"why don't we|how about(?: we)?|what about we)\s+(?=[a-z])", re.I)
# "Good idea.", "Sure.", "Yes, let's.": a short reply that agrees (a reply "but …" or "not …" does not)
AGREES = re.compile(r"^(?:yes|yeah|yep|sure|okay|ok|fine|agreed|absolutely|definitely|of course|certainly|"
                    r"(?:good|great|nice) (?:idea|plan|point)|sounds (?:good|great|fine|right)|makes sense|why not|"
                    r"let's|go ahead|fine by me|works for me|i agree|no objections?|deal|done|"
                    r"(?:(?:i'm|i am|we're|we are|all) )?happy(?: with (?:that|it|this))?)\b(?! *(?:if|when|to|but)\b)", re.I)
# "…, any objections?" "None from me." / "No objections.": a question that asks who is against, and a
# reply that nobody is, agree too
AGAINST = re.compile(r"\b(?:any|no) (?:objections?|concerns?)\??$|\b(?:anyone|anybody) (?:against|object)\??$", re.I)
NOBODY_AGAINST = re.compile(r"^(?:none|no|nope|not (?:from )?me|no objections?|no concerns?|nobody|not at all)\b",
                            re.I)
AGREES_WORDS = 5  # a reply this short, or shorter, that agrees, answers the question
# "Good, so that's settled.", "Then it's agreed.": a confirmation of what was proposed just before
CONFIRMED = re.compile(r"^(?:(?:good|great|right|okay|ok|fine|so|then|and|well|alright)[,.]?\s+)*"
                       r"(?:that's|that is|it's|it is)\s+(?:settled|decided|agreed)\b", re.I)
CONFIRM_BACK = 2  # sentences back (of four words or more) where the proposal may be
CONFIRM_REST = 3  # content words a confirmation may say besides: more, and it is a line of its own
# someone will do something: a pronoun or a name, then a future or an obligation, then not "be"
COMMIT = re.compile(r"\b(?:i|we|they|he|she)\s*(?:will|'ll|’ll|shall|am going to|'m going to|are going to|"
                    r"'re going to|is going to|need to|have to|must|am looking into|are looking into|"
                    r"'m looking into|'re looking into|will look into|can take)\s+(?!be\b|not\b|have been\b)",
                    re.I)
NAMED_COMMIT = re.compile(r"\b(?:[A-Z][a-z]+|[Tt]he [a-z]+ team)\s+(?:will|is going to|is looking into|needs to|"
                          r"has to|has agreed to|agreed to|has offered to|offered to|volunteered to|is on)\s+"
                          r"(?!be\b|not\b)")
# "I can order the lock on Friday": an offer to do something is a commitment ("if I can",
# "I can see", "I can tell you" are not)
OFFER = re.compile(r"(?:^|[,;]\s+|\b(?:so|and|then|okay|ok|yes|sure|right|well)\b,?\s+)i\s+can\s+(?:also\s+)?"
                   r"(?!not\b|be\b|see\b|hear\b|say\b|tell\b|imagine\b|understand\b|only\b|still\b|already\b|"
                   r"remember\b|confirm that\b)[a-z]", re.I)
# "Tilda, could you collect the keys?", "Nina, please book the hall": a task given to someone by name
LEAD_IN = r"(?i:okay|ok|so|and|fine|good|great|right|then|agreed)"
REQUEST = re.compile(rf"^(?:{LEAD_IN}[,.]?\s+)?(?!{LEAD_IN}\b)([A-Z][a-z]+),\s+"  # "Great, could you …?" asks no Great
                     r"(?:(?:can|could|would|will) you(?: please)?|please)\s+(?!tell\b|remind\b|repeat\b|explain\b|"
                     r"say\b)[a-z]")
# "Kwame, chase the council on Thursday.", "Kwame, you'll change the prices this week?": a task given
# by name as an order or said as settled, without "could you": a name, ("you('ll)",) a verb in its
# plain form (``named_task``) and a day it is due
NAMED_TASK = re.compile(rf"^(?:{LEAD_IN}[,.]?\s+)?(?!{LEAD_IN}\b)([A-Z][a-z]+),\s+(you(?:['’]ll| will)?\s+)?([a-z]+)\b"
                        r"(?!['’])")
# "Yes, I'll ask them", "Sure, I'll call the caretaker tomorrow": a reply that takes the task on
ACCEPT = re.compile(r"^(?:yes|yeah|yep|sure|okay|ok|of course|certainly|will do|no problem|fine|absolutely|"
                    r"i'll|i will|i can)\b(?![’']t)(?!\s+not\b)", re.I)
# "I can't, I'm away", "Okay, but I won't have time": a reply that turns the task down
DECLINE = re.compile(r"\b(?:can(?:no|['’])t|can not|won['’]t|will not|not able|unable)\b", re.I)
# "I can do that, I'll pick them up …": the words that only say yes, left out of the reply's note
SAYS_YES = re.compile(r"^(?:(?:yes|yeah|sure|okay|ok|of course|fine|no problem)[,.!]?\s+)*"
                      r"(?:i can do (?:that|it)|i'll do (?:that|it)|i will do (?:that|it)|happy to|can do|will do)"
                      r"[,.!]?\s+(?=\S)", re.I)
# "Tilda, could you collect …?" as a note: "Tilda, collect …."
ASKED = re.compile(r"^([A-Z][a-z]+),\s+(?:(?:can|could|would|will) you(?: please)?|please|you(?:['’]ll| will)?)\s+"
                   r"(?=[a-z])")
DELEGATED = re.compile(r"\b(?:i|we)\s+(?:have |'ve )?asked (?:them|him|her|[A-Z][a-z]+|the \w+ team)\s+"
                       r"(?:to|for)\b|\bplease\s+(?!note\b)\w+", re.I)
# "First, Bruno paints the fence.": an item of a list of tasks said with its owner ("Then Tom says …" is none)
NAMED_ITEM = re.compile(r"^(?i:and\s+)?(?i:first(?:ly)?|second(?:ly)?|third(?:ly)?|fourth|fifth|next|then|finally|"
                        r"lastly|last)\b,?\s+([A-Z][a-z]+)\s+(?!is\b|was\b|has\b|does\b|says\b|thinks\b|feels\b|"
                        r"wants\b|likes\b|knows\b|seems\b|means\b|agrees\b)[a-z]{2,}[^s\W]s\b")
# Two closed families of English discourse markers, written out whole from grammar (not from
# what a meeting happened to say): one that closes or sums up ("to wrap up", "in conclusion"),
# and one that adds a last point ("one more thing", "another thing")
# (an infinitive followed by what it acts on is a purpose, no marker: "To finish the roof we need …")
CLOSING = r"to (?:sum up|wrap up|recap|conclude|finish|close|summari[sz]e)(?!\s+(?:the|a|an|this|that|these|those|" \
          r"it|them|our|my|your|their|his|her|its|every|each|all)\b)|in (?:summary|short|conclusion|closing)|" \
          r"finally|lastly"
ADDING = r"(?:just )?(?:one|a) (?:more|last|final|other) (?:thing|point|question)|" \
         r"(?:the )?(?:last|final) (?:thing|point|question)|" \
         r"another thing"
# "So, to finish, Bruno sends the rota by Friday": after a lead-in (a first word alone may be
# capitalised only for starting the sentence: "Great news", "Both vans"), a person, a verb in
# the present and (checked apart) a day it is due
NAMED_PRESENT = re.compile(rf"^(?:(?i:so|and|then|okay|ok|right|{CLOSING})[,.]?\s+)+"
                           r"([A-Z][a-z]+)\s+(?!is\b|was\b|has\b|does\b|says\b|thinks\b|feels\b|wants\b|likes\b|"
                           r"knows\b|seems\b|means\b|agrees\b)[a-z]{2,}[^s\W]s\b")
# "Then we order it today.", "We keep the price until the accountant has seen it.", "If he says no, we
# buy pallets.": what the group does from now on, said in the plain present, as the outcome (after
# "then") or with a bound in time or a condition (``plan``); not a state ("we have", "we need", "we
# think"), a helper ("we can", "we will": other cues) or a habit ("we usually")
STATIVE = (r"have|has|had|need|want|think|know|see|feel|like|mean|hope|guess|believe|expect|get|got|are|were|was|"
           r"is|be|can|could|will|would|should|shall|must|might|may|did|do|does|won")
PLAN = re.compile(r"^(?:(?:okay|ok|right|fine|good|all right|alright|so|and)[,.]?\s+)*(?P<then>then[,]?\s+)?"
                  r"(?:(?:if|unless) (?P<condition>[^,]{1,60}),\s+)?we\s+(?:(?:just|only|then|also|now)\s+)?"
                  r"(?:don't\s+|do not\s+)?"
                  rf"(?!(?:{STATIVE}|usually|always|often|never|sometimes|still|all|both|really|probably|already)\b)"
                  r"(?P<verb>[a-z]{2,})\b(?!['’])", re.IGNORECASE)
PLAN_BOUND = re.compile(r"\b(?:now|until|till|unless|only if|from now on|for now|first)\b|^(?:\w+,\s+)?if\b",
                        re.IGNORECASE)
# "We meet in the hall until the roof is fixed": an arrangement held for a time; its verb needs no object
HELD = re.compile(r"\b(?:until|till|unless|only if|from now on|for now)\b", re.IGNORECASE)
# "Then we discuss the budget.", "Then we take a short break.": what the meeting itself does next
# is its agenda, not a decision, unless it is put to a later day ("We review the rota on Monday")
MEETING_NEXT = re.compile(rf"(?:{MEETING_TALK}|review|recap|summari[sz]e|debate|address|tackle|go round|continue|"
                          r"carry on|resume)\b|"
                          r"take (?:a |an )?(?:[\w-]+ )?(?:break|pause|breather|vote|show of hands|questions|look)\b|"
                          # "Then we close the meeting.", "Then we skip the next item.": the meeting itself
                          r"\w+ (?:the |this |today's )?(?:next |last |first |other )?(?:meeting|call|session|item|"
                          r"point|topic|agenda)(?=\s*(?:[.,;!]|$|and\b|now\b|here\b))",
                          re.IGNORECASE)
# "we lose the stall", "we miss the ferry", "we hit the traffic", "we break even", "we pay double",
# "we find the leak": what happens to the group or what it comes to know, the outcome of a
# condition or of events; no act it decides on
LOSS = r"lose|miss|risk|suffer|fail|owe|waste|incur|struggle|go (?:bust|under)|make (?:a |an )?loss"
UNDERGONE = re.compile(rf"(?:{LOSS}|face|hit|win|gain|break even|make (?:a |an )?profit|"
                       r"pay (?:twice|double|triple|more|less|extra)|find|discover|notice|realise|realize|learn)\b",
                       re.IGNORECASE)
# after "will" ("we'll", "Members will", "is going to"): what will befall them, a prediction, no task
# ("we'll lose half the students", "they'll probably grumble"); after "need to", "must" it is a task
BEFALLS = re.compile(r"(?:(?:probably|likely|certainly|definitely|surely|just|all|both|still|then|only)\s+)?"
                     rf"(?:{LOSS}|end up|regret|grumble|complain(?!\s+to\b)|hate|love)\b", re.IGNORECASE)
# after "will": a matter put off, no task ("… and we'll come back to it", "we'll sleep on it.", "we'll
# leave it for now"), not "I'll leave it on your desk" nor "I'll think about it and send a draft"
PUT_OFF = re.compile(r"(?:come|get) back to (?:that|this|it)\b|"
                     r"(?:sleep on|think about|think over|mull over) (?:that|this|it)(?=\s*(?:[.!?;]|$|for now\b))|"
                     r"(?:leave|park) (?:that|this|it)(?=\s*(?:[.!?;]|$|for (?:now|today|later|next time)\b|"
                     r"until|till))", re.IGNORECASE)
HABIT = re.compile(r"\b(?:every|each|always|usually|normally|often|whenever|sometimes|never)\b", re.IGNORECASE)
# the helper a verb follows when someone says what they will, can or should do
HELPER_BEFORE = re.compile(r"(?:['’]ll|['’]d|\b(?:will|shall|can|could|should|must|would|won['’]t|can['’]t|going to|"
                           r"need to|needs to|have to|has to))\s+$", re.IGNORECASE)
WILL = re.compile(r"will|['’]ll|shall|going to", re.IGNORECASE)
# "If you ask me, …", "If I'm honest, …", "If you think about it, …": a condition on the talk
# itself (the speaker's view, the listener's asking), so what follows is an opinion, not a plan
ON_THE_TALK = re.compile(r"^(?:you|i)(?:['’]m| am| are| were)?(?: being)?\s+(?:ask|asked|want (?:my|an)|think|"
                         r"thought|remember|recall|honest|frank|mind|may|put it|look at it|like)\b", re.IGNORECASE)
# "hit", "cut", "put": a verb whose past is its present reads as past after a sentence in the past
SAME_PAST = {"hit", "cut", "put", "set", "let", "shut", "spread", "cost", "hurt", "quit", "split", "read", "beat",
             "bet", "burst"}
# "We'll take the quartz.", "Let's go for the pale tiles.": a choice said as what the group takes, with
# nothing after what it takes; a decision when what it takes was named just before (``chosen``)
CHOICE = re.compile(r"^(?:(?:okay|ok|right|fine|good|so|then|well|all right|alright)[,.]?\s+)*"
                    r"(?:we(?:'ll|’ll| will)?|let's)\s+(?:take|choose|pick|go for|opt for|settle for)\s+"
                    r"(?:the|that|those|these)\s+((?:[\w'-]+\s+){0,2}[\w'-]+)(?:,?\s+then)?[.!]?$", re.I)
# "We'll put in a keypad lock.", "Then we'll buy a new grill.": the group getting a thing it does not
# have yet, said as what it will do: the choice the talk came to, a decision (who fits it is the task)
ACQUIRE = re.compile(r"^(?:(?:okay|ok|right|fine|good|so|then|well|all right|alright|in that case)[,.]?\s+)*"
                     r"we(?:'ll|’ll| will)\s+(?P<verb>[a-z]+)\s+(?:(?:in|up|on|out)\s+)?(?:a|an)\s+[\w'-]+",
                     re.IGNORECASE)
CHOICE_BACK = 3  # sentences back where what is chosen was named
ORDINAL = re.compile(r"^(?:and\s+)?(first(?:ly)?|second(?:ly)?|third(?:ly)?|fourth|fifth|next|then|finally|"
                     r"lastly|last)\b,?\s*", re.I)
# the word after "First," that makes an item an instruction ("First, call …"), not a report
NOT_A_VERB = {"the", "a", "an", "we", "i", "it", "there", "this", "that", "these", "those", "our", "their", "they",
              "you", "he", "she", "in", "on", "for", "of", "at", "to", "with", "as", "if", "when", "some", "most",
              "all", "one", "let's", "his", "her", "my", "your", "its", "because", "after", "before", "once",
              "everyone", "everything", "nobody", "nothing", "people", "so", "and", "but", "of",
              # "Last year about three hundred came", "Next week the office …": a time, not an item
              "year", "week", "month", "quarter", "time", "day", "night", "morning", "afternoon", "evening",
              "weekend", "meeting", "session"}
# "fix the flow first, then add templates, and finally explore profiles": one sentence, several items
ENUMERATED = re.compile(r"\bfirst\b.*,\s+(?:and\s+)?(?:then|next|second|after that)\b.*\b(?:finally|lastly|third)\b",
                        re.I)
ANNOUNCED_LIST = re.compile(r"\b(?:follow[- ]?up actions?|next steps|action items?|to-?dos?|actions? (?:for|from) "
                            r"(?:this|the) meeting|(?:two|three|four|five|\d) actions|for next time)\b", re.I)
UNKNOWN = re.compile(r"\b(?:(?:do not|don't|doesn't|does not|didn't) know|no idea|not sure|no answer|"
                     # "Nobody has offered yet.", "Not yet.": nobody has taken it on
                     r"(?:nobody|no one|no-one) (?:yet|knows|(?:has|have) \w+ yet)|^(?:no,?\s+)?not yet|"
                     r"good question|can't say|cannot say|unclear|"
                     r"(?:come|get) back to (?:that|this|it|you)|not decide|think about it|leave (?:that|it|this) open|"
                     r"(?:vote|decide) on (?:that|it|this) later|later on that|"
                     rf"(?:leave|keep|save|park) (?:that|it|this) (?:for|until|till) (?:later|next time|the next \w+|"
                     rf"{MEETING})|(?:leave|save|park) the \w+(?: \w+)? (?:for|until|till) (?:later|next time|{MEETING})|"
                     r"(?:decide|discuss|talk about|look at) (?:that|it|this) (?:later|next time|at the next \w+))\b",
                     re.I)
# a courtesy says no fact; "thanks to" a cause, with the clause it led to, does ("Thanks to the
# new sponsor, entry is free this year"; "Thanks to everyone for coming" is a courtesy)
SKIP = re.compile(r"^(?:thanks?(?!\s+to\s+[^,.!?]{1,60},\s+\S)|thank you|good (?:morning|afternoon|evening)|hello|hi|"
                  r"welcome|okay\.?$|ok\.?$)\b", re.I)
PAST = re.compile(r"\b(?:was|were|had|did)\b", re.I)
# "Morning, ", "both of you, ", "and ": a greeting or an address said before what a sentence says
ADDRESS = re.compile(r"^(?:and\s+)?[^,.!?:;]{1,20},\s+(?:and\s+)?")
ADDRESSES = 3  # of them, at most, before a courtesy
# "I'm Dana, from the front desk.", "Hi, my name is Tom.": who is speaking, not what the meeting said
# "We meet again next Tuesday.", "Next meeting is the ninth.", "Same time on Friday.": when the group
# meets next; minutes say it, but it is no decision and no task (the summary's line)
NEXT_MEETING = re.compile(r"\b(?:meet|reconvene|see each other)\s+again\b|"
                          r"^(?:\w+[,.]?\s+)?(?:(?:the |our )?next (?:meeting|session|call)\b(?!\s+(?:we|i)\b)|"
                          r"same time\b)", re.IGNORECASE)
ORDINAL_DAY = re.compile(r"\b(?:first|second|third|(?:four|fif|six|seven|eigh|nin|ten|eleven|twelf|thirteen|fourteen|"
                         r"fifteen|sixteen|seventeen|eighteen|nineteen|twentie|thirtie)th|\d{1,2}(?:st|nd|rd|th))\b",
                         re.IGNORECASE)
INTRODUCTION = re.compile(r"^(?:\w+, )?(?i:i'm|i am|my name is) [A-Z][a-z]+\b(?!')")

# --- shortening within the grounding rule: whole clauses and openers dropped -------------
CLAUSE = re.compile(r",\s+(?=(?:and|but|so|which|because|although|though|since|while|whereas|even if|"
                    r"so that|including|especially|often|mostly|like|when)\b)|;\s+|\s+[—–]\s+|"
                    r"\s+(?=(?:because|although|whereas|even if|so that)\s)", re.I)
# a clause that can stand as a line alone: a main clause, or one joined by and/but/so/although
STANDS_ALONE = re.compile(r"^(?:and|but|so|although|though|while|whereas)\s+(?!that\b)", re.I)
OPENER = re.compile(rf"^(?:(?:so|okay|ok|well|now|and|but|also|however|unfortunately|basically|"
                    rf"actually|honestly|then|next|overall|in total|for (?:now|context)|after that|"
                    rf"{CLOSING})\b,?\s+|"
                    r"(?:first|second|third|fourth|fifth|last)(?:ly)?,\s+|"
                    r"(?:good|great|right|alright|all right|yes|yeah|sure),\s+|"
                    rf"(?:(?:{ADDING})(?: (?:from|for) (?:me|us|my side|our side|today|now))?|"
                    r"(?:the )?(?:good|great|bad) news(?: is(?: that)?)?|(?:just )?a reminder)[,:]?\s+|"
                    r"(?:on|for|as for|regarding|about|in) the [\w -]{1,30}?,\s+|"
                    r"i think\s+|i believe\s+|i feel\s+|i would like\s+(?=a |an )|"
                    r"(?:a )?reminder that\s+|"
                    r"(?:here is|here's)\b,?\s*)", re.I)
# a clause that only adds a reason, purpose or example to the clause before it
ASIDE = re.compile(r"^(?:so that|which|because|including|especially|often|mostly|like|when|although|though|since|"
                   r"while|whereas|even if)\b", re.I)
NUMBER = (r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
          r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
          r"hundred|thousand|million|billion|dozen|half|percent|per cent)\b")
# fillers, hedges and discourse markers said on the way to the point: leaving them out
# changes no fact ("I'm going to go ahead and ask" → "I'm going to ask"; "just" before a
# number, an article or a preposition means "only" or "exactly" and stays)
FILLER = re.compile(r"(?:,\s+|\s+|^)(?:um+|uh+|erm|er|hmm+|really|actually|basically|literally|obviously|honestly|"
                    r"simply|just(?!\s+(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|a|an|the|this|that|these|those|"
                    r"for|in|on|at|about|after|before|as|like|over|under)\b)|"
                    r"also|currently|kind of|sort of|you know|i mean|pretty much|to be honest|"
                    r"i (?:think|guess|suppose|believe|feel like)(?: that)?(?=\s+(?:we|i|it|they|he|she|you|the|this|"
                    r"that|there|our|a|an)\b)|go ahead and)\b(?:,(?=\s))?", re.I)
# a word or two said twice on the way ("we we", "I- I think", "the, the plan"): said once
RESTART = re.compile(r"\b(\w+(?:'\w+)?(?:\s+\w+(?:'\w+)?)?)(?:,|-|\s)\s*\1\b", re.I)
REFERS_BACK = re.compile(r"^(?:so |and |but )?(?:that|this|those|these|it|they|them)\b|"
                         r"\b(?:on|about|of|to) (?:that|this|it|those|them)\b|\b(?:that|those|this) \w+ to\b|"
                         r"\b(?:from|out of|in) there\b|"  # "take it from there": the place said before
                         # "…, so go ahead": leave to go on with what was said before
                         rf"^{GO_AHEAD}",
                         re.I)

# a line that leans on the sentence before for who or what it is about
PRONOUN = re.compile(r"^(?:it|they|this|that)\b(?! (?:is|was) (?:a|an|the)\b)|"
                     r"^(?:do|does|did|are|is|was|were|will|would|can|could|should|has|have)\s+(?:they|it)\b|"
                     r"\b(?:asked|told|ask|tell|with|from) (?:them|him|her)\b", re.I)
# "What about the ferry? Does it still run …?": a short question before says who "they" are
LEAD_QUESTION_WORDS = 5
ANTECEDENT_WORDS = 14  # the sentence before is short enough to say it
# "Replace it.", "Nina, order them today.": a decision or action whose verb acts on a bare pronoun
# says nothing alone; the thing it stands for is the thing the last sentences kept naming
BARE_OBJECT = re.compile(r"^(?:[A-Z][a-z]+,\s+)?(?:(?:don't|do not)\s+)?[A-Za-z]+\s+(it|them|him|her)\b"
                         r"(?!\s+(?:is|are|was|were)\b)")
DETERMINER = re.compile(r"(?:\b(?:the|that|this|these|those|our|your|their|its|his|her|my|a|an|some|any|more|many|"
                        rf"few|several|other)\b|{NUMBER})\s+([a-z]+)(?:\s+([a-z]+))?", re.IGNORECASE)
REFERENT_BACK = 5  # sentences back where the thing a pronoun stands for is named
UNIT = {"pound", "euro", "dollar", "cent", "penny", "pence", "kilo", "gram", "litre", "liter", "metre", "meter", "mile",
        "percent", "people", "person", "times"}  # what counts or measures, not a thing done to

KINDS = (("summary", ("summary", "overview", "tl;dr", "abstract", "gist")),
         ("decisions", ("decision",)),
         ("actions", ("action", "next step", "to do", "todo", "follow", "task")),
         ("questions", ("question", "open", "risk", "issue", "concern")),
         ("chapters", ("chapter", "outline", "agenda", "topic")),
         ("points", ("key point", "highlight", "takeaway", "point")))
LISTED_KINDS = ("decisions", "actions", "questions")
SHARE = 0.25  # of the transcript's words: minutes are a quarter at most
LISTED_SHARE = 1.0  # of the budget, at most, for decisions, actions and questions: the rest summarises
PAGE_WORDS = 400  # a one-hour meeting's notes fit a page
NONE = "None recorded."
EMPTY_WORDS = 2  # what NONE costs
REPEAT = 0.7  # share of the shorter line's content words that makes two lines one said again
FACT_WEIGHT = 3.0  # extra value of a number, name or day in a summary line, over another word
KEEP = 0.5  # of a decision's or action's weighted words that it keeps when said in fewer
DENSITY = 0.7  # a summary clause's value: its new meaning over its length to this power (1: per word)
RARITY = 2.0  # a summary word's weight times its rarity in English to this power (0: every word alike)
RARE_RANK = 60000  # where a word without a token of its own ranks: past all that have one (50,257)


@dataclass
class Sentence:
    start: float
    end: float
    text: str
    speaker: str | None = None  # who said it, when speakers were found


def sentences(segments: list[dict]) -> list[Sentence]:
    """The transcript as sentences, each with the time it starts (a segment's time shared
    by its sentences in proportion to their length)."""
    out = []
    for seg in segments:
        text = (seg.get("text") or "").strip()
        if not text or seg.get("gap"):
            continue
        parts = [p.strip() for p in SENTENCE.split(text) if p.strip()]
        total = sum(len(p) for p in parts) or 1
        at, span = float(seg["start"]), float(seg["end"]) - float(seg["start"])
        for part in parts:
            length = span * len(part) / total
            out.append(Sentence(round(at, 2), round(at + length, 2), part, seg.get("speaker")))
            at += length
    return _join_fragments(out)


def _join_fragments(items: list[Sentence]) -> list[Sentence]:
    """A segment boundary inside a sentence leaves a fragment without a full stop, and the
    recogniser sometimes puts a full stop inside a list item ("Third, book a short.
    Training session …"): join them to what follows, so an item stays whole."""
    out: list[Sentence] = []
    for item in items:
        if out and not out[-1].text.endswith((".", "?", "!", "…")):
            prev = out.pop()
            item = Sentence(prev.start, item.end, f"{prev.text} {item.text}", prev.speaker)
        elif out and _cut_short(out[-1].text) and out[-1].speaker == item.speaker:
            prev = out.pop()
            item = Sentence(prev.start, item.end, f"{prev.text[:-1]} {item.text}", prev.speaker)
        out.append(item)
    return out


DANGLING = {"a", "an", "the", "to", "of", "for", "with", "and", "or", "short", "new", "more", "our", "your", "their",
            "my", "some", "any", "very", "in", "on", "at", "by", "from"}


def _cut_short(text: str) -> bool:
    """An enumerated item that stops on a word no sentence ends with: the rest follows."""
    words = re.findall(r"[A-Za-z']+", text)
    return bool(ORDINAL.match(text)) and text.endswith(".") and bool(words) and words[-1].lower() in DANGLING


def clause_spans(text: str) -> list[tuple[int, int]]:
    """Where each clause of *text* is (``CLAUSE`` cuts between them)."""
    spans, at = [], 0
    for cut in CLAUSE.finditer(text):
        spans.append((at, cut.start()))
        at = cut.end()
    spans.append((at, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def kind_of(heading: str) -> str:
    low = heading.lower()
    for kind, words in KINDS:
        if any(w in low for w in words):
            return kind
    return "points"


def time_link(seconds: float) -> str:
    """[0:48](#t=SECONDS), in the transcript's time format: the window plays from there when clicked."""
    return f"[{clock(seconds)}](#t={seconds:.1f})"


NOT_NAMES = {"we", "i", "they", "it", "this", "that", "there", "first", "second", "third", "please", "then", "finally",
             "the", "so", "and", "but", "now", "next", "also", "everyone", "nobody", "someone", "who", "what", "he",
             "she", "you", "our", "if", "when", "once", "people"}  # "People will grumble": no one named


PLACE_BEFORE = re.compile(r"\b(?:on|at|in|into|from|near|to|of|by|off|along|behind|opposite)\s+(?:[A-Z][a-z]+\s+)*$")


def _in_a_place(before: str) -> bool:
    """The capitalised word ends a preposition's object ("the shop on Bridge Street will …"):
    a place or a thing's name, not who will do it. A day or month ends that object ("on
    Sunday Oskar will …")."""
    place = PLACE_BEFORE.search(before)
    return bool(place) and not any(w.lower() in CALENDAR for w in place.group(0).split()[1:])


def asked_clause(question: str) -> str:
    """What a question asks: its last clause ("…, so what went well?" asks "so what went well?")."""
    return [c for c in CLAUSE.split(question) if c.strip()][-1]


def owner_of(text: str) -> str | None:
    """A person or team named as doing something ("Maria is looking into …", "the data team will …")."""
    for match in NAMED_COMMIT.finditer(text):
        name = match.group(0).split()[0] if not match.group(0).lower().startswith("the ") \
            else " ".join(match.group(0).split()[1:3])
        if name.lower() not in NOT_NAMES and not _in_a_place(text[:match.start()]):
            return name
    for said in (NAMED_ITEM.match(text), REQUEST.match(text), NAMED_PRESENT.match(text),  # "First, Bruno paints …"
                 NAMED_TASK.match(text) if named_task(text) else None):
        if said and said.group(1).lower() not in NOT_NAMES:
            return said.group(1)
    asked = re.search(r"\basked ([A-Z][a-z]+|the \w+ team)\s+(?:to|for)\b", text)
    if asked and asked.group(1).lower() not in NOT_NAMES:
        return asked.group(1).removeprefix("the ")
    return None


FIRST_PERSON = re.compile(r"^(?:so,?\s+|and\s+|okay,?\s+)?(?:i will|i'll|i can|i am going to|i'm going to|"
                          r"let me|i will also)\b", re.I)


def owner_in(s: Sentence) -> str | None:
    """Who will do it: its speaker when they say "I will …", else a person the sentence names."""
    return s.speaker if s.speaker and FIRST_PERSON.match(s.text) else owner_of(s.text)


def due_of(text: str) -> str | None:
    match = DUE.search(text)
    return match.group(0) if match else None


def transcript_digest(segments: list[dict]) -> str:
    """What notes were made from (each segment's speaker and words): notes whose digest is
    not the transcript's are older than it."""
    import hashlib

    said = "\n".join(f"{s.get('speaker') or ''}\t{(s.get('text') or '').strip()}" for s in segments)
    return hashlib.sha256(said.encode("utf-8")).hexdigest()[:16]


def markers(text: str) -> set[str]:
    """The numbers, names and days a line says: the facts minutes are read for."""
    said = re.finditer(rf"\d[\d.,:%]*|{NUMBER[3:]}|\b{WEEKDAY}\b|\b{MONTH}\b", text, re.I)
    found = {m.group(0).lower() for m in said}
    return found | {m.group(0).lower() for m in re.finditer(r"(?<=[a-z,] )[A-Z][a-z]+", text)}


@functools.cache
def word_ranks() -> dict[str, int]:
    """Each whole word's rank in the bundled English speech model's vocabulary (Whisper tiny.en's
    byte-pair tokens, merged most frequent first): a common word ("people", "need") is an early
    token, a rare one ("autoclave") has none of its own. Empty when the model is not installed."""
    from workers.engines.speech_models import bundled_model_path
    from workers.errors import ModelError

    try:
        tokens = (bundled_model_path() / "vocabulary.txt").read_text(encoding="utf-8").splitlines()
    except (ModelError, OSError):
        return {}
    ranks: dict[str, int] = {}
    for rank, token in enumerate(tokens):
        if token.startswith("\u0120") and token[1:].isalpha():  # "Ġ": the word starts after a space
            ranks.setdefault(token[1:].lower(), rank)
    return ranks


def rarity(word: str) -> float:
    """How rare *word* is in English: the log of its rank (``word_ranks``) over the log of
    ``RARE_RANK``, from about 0.5 for the commonest ("the"; "people" 0.59, "phone" 0.73) to 1 for a
    word without a token of its own ("kiln"); 1 for every word when no vocabulary is installed.
    What a meeting's facts are made of ("the autoclave failed") is rarer than its talk ("people
    need more time")."""
    ranks = word_ranks()
    if not ranks:
        return 1.0
    return math.log(min(ranks.get(word, RARE_RANK), RARE_RANK) + 2) / math.log(RARE_RANK + 2)


def unsure(text: str) -> bool:
    """Says that something is not known yet (``UNSURE``), and not what is known after all ("I don't
    know if they can, but their leader said yes.")."""
    match = UNSURE.search(text)
    return bool(match) and not re.search(r"\bbut\b", text[match.end():], re.IGNORECASE)


def when_said(text: str) -> bool:
    """Says a day or a date: "next Tuesday", "the ninth of May", "on the 3rd"."""
    return bool(DUE.search(text) or ORDINAL_DAY.search(text) or re.search(rf"\b{WEEKDAY}\b", text, re.IGNORECASE))


def courtesy(text: str) -> bool:
    """Thanks, a greeting or a welcome, which say no fact: also after the greetings and names said
    in front of it ("Morning, both of you, and thanks, Ifeoma, for coming over.")."""
    rest = text
    for _ in range(ADDRESSES + 1):
        if SKIP.match(rest):
            return True
        address = ADDRESS.match(rest)
        if not address:
            return False
        rest = rest[address.end():]
    return False


# "First item is the projector.", "Second item, the budget.": the agenda's next item named
AGENDA_ITEM = re.compile(r"^(?:(?:so|okay|ok|right|now|and|then)[,.]?\s+)*(?:the\s+)?(?:first|second|third|fourth|"
                         r"fifth|next|last|final|another)\s+(?:item|point|topic|matter)\b(?:\s+(?:is|on the agenda))?"
                         r"[,:]?\s*", re.IGNORECASE)


def agenda(text: str) -> bool:
    """How the meeting will go, not what it said ("Let's make a start."). A counted opening
    ("Two points: …") or the next item named ("Second item, the budget.") is the agenda only
    when the sentence ends there or what follows names no number, name or day; "Two things:
    the rent goes up to 900 euros" states a fact."""
    counted = COUNTED.search(text) or AGENDA_ITEM.match(text)
    return bool(AGENDA.search(text) or counted and not markers(text[counted.end():]))


# a clause has a verb that says it happened, happens or will: an auxiliary or a past tense
FINITE = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would|can|could|should|shall|may|might|must|do|does|"
                    r"did|won't|can't|isn't|aren't|wasn't|weren't|hasn't|haven't|didn't|doesn't|don't)\b|"
                    r"'(?:s|re|ve|ll|d)\b|\b[a-z]{3,}ed\b", re.I)
# "Once the team found it, they renewed it": a lead-in that says when, why or despite what
LEAD_IN = re.compile(r"^(?:once|when|whenever|after|as soon as|while|although|though|since|because|as|"
                     r"(?:on|in|at|for|during|over|with|from|by|as for|regarding|about|shortly after|"
                     r"shortly before)\b[^,]{1,40}?)\b[^,]{0,80}?,\s+(?=\S)", re.I)
# "… are finished and the prototype has been shared …": "and" before a new subject joins two clauses
AND_SUBJECT = re.compile(r"\s+and\s+(?=(?:the|a|an|we|they|he|she|i|our|their|its|his|her|my|your|"
                         r"this|these|those|every|each|some|most|all|[A-Z][a-z]+)\s)")


# "The full report, with quotes and recordings, is in the shared folder": an aside between commas
PARENTHESIS = re.compile(r",\s+(?:with|without|including|like|such as|mostly|mainly|especially|for example|"
                         r"for instance|as usual|as expected|of course)\b[^,]{1,50},\s+", re.I)


def main_clauses(text: str) -> list[str]:
    """Shorter readings of *text* that are still whole clauses as said: without a lead-in
    or an aside between commas that says no number, name or day, and each of two clauses
    joined by "and" (each with its own subject and verb)."""
    out = []
    aside = PARENTHESIS.search(text)
    if aside and not (re.search(NUMBER, aside.group(0), re.I) or DUE.search(aside.group(0))):
        text = f"{text[:aside.start()]} {text[aside.end():]}"
        out.append(text)
    lead = LEAD_IN.match(text)
    if lead and not (re.search(NUMBER, lead.group(0), re.I) or DUE.search(lead.group(0))):
        out.append(text[lead.end():])
    for body in out[:] + [text]:
        for cut in AND_SUBJECT.finditer(body):
            left, right = body[:cut.start()], body[cut.end():]
            if FINITE.search(left) and FINITE.search(right) and "," not in left:
                out += [left, right]
    return out


def condense(text: str) -> str:
    """*text* without its fillers, hedges and restarts: words left out, never changed."""
    text = RESTART.sub(lambda m: m.group(0) if m.group(1).lower() in ("had", "that") else m.group(1), text)
    text = FILLER.sub("", text).lstrip(" ,")
    return re.sub(r"\s{2,}", " ", text)


NUMBER_WORDS = NUMBER[3:].strip("\\b()?:")  # "one|two|…|per cent": the words of NUMBER, to join other lists


# --- note style: a minute-taker's line, each word as said and in order -------------------
# words a note leaves out: articles, degree words and possessives. Kept always: a negation,
# a number with its unit, a day, a name, a condition, and an article that says "one" of a
# measure ("a week before", "a couple of", "a few")
NOTE_DROP = {"the", "a", "an", "very", "quite", "rather", "fairly", "somewhat", "our", "your", "their", "my"}
MEASURE = re.compile(rf"^(?:few|little|lot|bit|dozen|couple|half|quarter|month|week|day|year|hour|minute|"
                     rf"moment|number|total|{NUMBER_WORDS})\b", re.I)
NOTE_START = {
    # "There is one spare room …" → "One spare room …" ("There is no budget" → "No budget")
    "any": re.compile(r"^there (?:is|are|was|were)\s+(?=\w)", re.I),
    # "I will order the chairs" → "Order chairs": the speaker or owner says who
    # "Let's ask the choir", "We need to check …" → "Ask choir", "Need to check …"
    "actions": re.compile(r"^(?:please|let's|let us)\s+(?=\w)|^(?:i|we)\s+(?=(?:need|have) to\b|must\b)|"
                          r"(?:^|(?<=,\s)|(?<=, so\s)|(?<=, and\s))(?:i|we)(?:\s+(?:will|shall|am going to|"
                          r"are going to|can)|'ll|’ll|'m going to|'re going to)\s+(?!not\b|be\b|have\b)", re.I),
    # "We agreed to rent …" → "Rent …", "We decided that …" → "…" under Decisions (a day it was agreed on stays:
    # "Decided on Tuesday to rent …"); "I would suggest we …" → "Suggest we …"
    "decisions": re.compile(r"^(?:(?:i|we)(?:\s+have|['’]ve|\s+are|['’]re)?\s+)?(?:agreed|decided)"
                            r"(?:\s+(?:last|this)\s+\w+)?\s+(?:to|that)\s+|^(?:i|we)\s+(?:would\s+|'d\s+)?(?=(?:suggest|propose|prefer|recommend)\b)|"
                            r"^i(?:'d|\s+would)?\s+say\s+(?=we\b)|"
                            r"^we(?:'ll|’ll|\s+will)\s+(?!not\b|be\b|have\b|need\b)(?=\w)|"
                            r"^we(?:\s+are\s+|['’]re\s+|\s+)(?=go(?:ing)? (?:with|for)\b)|"
                            r"^(?:let's|let us)\s+(?!not\b)(?=\w)|"
                            # "Then we order it today." → "Order it today." (not "we have", "we can", nor a
                            # past: "we decided")
                            rf"^(?:(?:then|so)[,]?\s+)?we\s+(?!(?:{STATIVE})\b|[a-z]+ed\b)"
                            r"(?=(?:don't\s+)?[a-z]+\b(?!['’]))",
                            re.I),
}
# "One thing we haven't settled is whether …", "What we still don't know is who …": under Open
# questions the words that say the matter is open say what the heading says; the note starts at
# what is open ("Whether …", "Who …")
OPEN_FRAME = re.compile(r"^(?:(?:one|another|the (?:only |one |other |last )?)\s*(?:thing|question|point|matter)|what|"
                        r"something)\s+(?:that\s+)?(?:we|i|they)\s+(?:still\s+)?(?:yet\s+)?"
                        rf"(?:(?:have|has|do|does|did)(?:n't|n’t| not)\s+(?:yet\s+)?(?:{SETTLE}|know)|"
                        rf"(?:can't|can’t|cannot) (?:yet\s+)?(?:{SETTLE}|say|tell))(?:\s+(?:on|yet))?\s+(?:is|was)\s+"
                        r"(?=(?:whether|if|who|what|when|where|which|how|why)\b)", re.IGNORECASE)
# "Should we raise the rent next year?" → "Raise rent next year?": an open question as a minute-taker
# writes it, what is asked without "should we" ("Do we know …?", "Do we think …?" stay whole)
ASKS_WE = re.compile(r"^(?:(?:so|and|then|also|now|okay|ok|well)[,.]?\s+)*(?:should|shall|do|can|could)\s+we\s+"
                     r"(?:(?:want|need|have) to\s+)?(?!know\b|think\b|agree\b|really\b|all\b|both\b|even\b|still\b|"
                     r"not\b|ever\b|also\b)(?=[a-z])", re.IGNORECASE)
# "What do we do if it snows?", "What happens if they refuse?" → "What if …?": the same question
WHAT_IF = re.compile(r"^(what)\s+(?:(?:do|shall|should|would|will|can)\s+we\s+do|happens|will happen|would happen)\s+"
                     r"(?=(?:if|when)\b)", re.IGNORECASE)
# "are printed", "has been booked": the participle says it
PASSIVE = re.compile(r"\b(?:is|are|has been|have been)\s+(?=(?!not\b)[a-z]+ed\b|(?:done|made|sent|known|given|"
                     r"taken|built|set|found|shown|written|held|run|closed|booked)\b)", re.I)
QUITE_A_BIT = re.compile(r"\s+quite a (?:bit|lot)\b", re.I)


def fraction(word: str, after: str) -> bool:
    """ "a fifth", "a third of the budget": a share, whose article says how much (not "a third person")."""
    return bool(re.match(r"(?:third|quarter|fifth|sixth|tenth)s?\b", word, re.I)) \
        and (word[-1] in ".,;:!?" or not after
             or after.lower() in ("of", "off", "more", "less", "this", "last", "since", "in", "on", "from", "than"))


def note_style(text: str, kind: str) -> str:
    """*text* as a minute-taker writes it: articles, degree words, possessives, a leading
    "there is" and, for an action or a decision, the subject pronoun ("I will", "we") left
    out. Only words are left out, never changed or moved; a day, a number and its unit, a
    name, a negation and a condition stay."""
    end = text[-1] if text and text[-1] in ".?!" else ""
    body = text[:-1] if end else text
    asked = ASKED.match(body) if kind == "actions" else None
    if asked and asked.group(1).lower() not in NOT_NAMES:  # a task given by name, said as the note of it
        body, end = f"{asked.group(1)}, {body[asked.end():]}", "."
    proposed = PROPOSAL.match(body) if kind == "decisions" and end == "?" else None
    if proposed:  # "Could we put up a sign?", agreed: "Put up a sign."
        body, end = body[proposed.end():], "."
    if kind == "questions":
        body = OPEN_FRAME.sub("", body, count=1)
        if end == "?":
            body = WHAT_IF.sub(r"\1 ", ASKS_WE.sub("", body, count=1), count=1)
    for key in ("any", kind):
        if key in NOTE_START:
            body = NOTE_START[key].sub("", body, count=0 if key == "actions" else 1)
    body = PASSIVE.sub("", QUITE_A_BIT.sub("", body))
    kept_days = [m.span() for m in DUE.finditer(body)]
    words = list(re.finditer(r"\S+", body))
    out = []
    for n, w in enumerate(words):
        bare = w.group(0).lower().strip(",;:")
        nxt = words[n + 1].group(0) if n + 1 < len(words) else ""
        in_day = any(a <= w.start() < b for a, b in kept_days)
        before = words[n - 1].group(0).lower() if n else ""
        rate = bare in ("a", "an") and not before.endswith((",", ";", ":")) and (  # "twelve, a new mic": no rate
            re.match(NUMBER, before.lstrip("£$€"), re.I) or before.rstrip("s") in UNIT
            or before in ("times", "quid", "grand")  # "six pounds a ticket", "£6 a head", "three times a week"
            or re.match(NUMBER, nxt, re.I) or fraction(nxt, words[n + 2].group(0) if n + 2 < len(words) else ""))
        if bare in NOTE_DROP and w.group(0)[-1] not in ",;:" and nxt and not in_day \
                and not (bare in ("a", "an") and MEASURE.match(nxt) or rate):
            continue
        out.append(w.group(0))
    body = " ".join(out) or body
    body = body[:1].upper() + body[1:]  # (nothing left: the caller's to drop, never an IndexError)
    return body + end


# a phrase of a clause must keep what changes its meaning: the word before it may not be a
# negation, a quantity or a condition ("almost all", "not the vendor", "three chairs")
NEGATION = re.compile(r"^(?:not|no|never|none|nobody|nothing|neither|nor|without|cannot|\w+n't|\w+n’t)$", re.I)
BOUND_BEFORE = re.compile(rf"^(?:almost|nearly|only|about|roughly|around|approximately|over|under|less|more|most|"
                          rf"least|some|several|few|many|every|each|all|any|if|unless|until|than|per|\d[\d.,:%]*|"
                          rf"{NUMBER_WORDS})$", re.I)
SUBORDINATE = re.compile(r"^(?:once|when|whenever|until|unless|if|after|before|because|since|while|although|"
                         r"though|whether|as)$", re.I)
CONDITION = re.compile(r"\b(?:if|unless|provided|as long as|only when)\b", re.I)
PHRASE_WORDS = (3, 10)  # a phrase line's length, in words


# words that carry no fact alone: a phrase does not start or end on one
FUNCTION = {"the", "a", "an", "and", "or", "but", "to", "of", "in", "on", "for", "with", "that", "this", "is", "are",
            "was", "were", "be", "been", "being", "it", "we", "our", "they", "their", "you", "your", "i", "so", "as",
            "at", "by", "from", "will", "would", "can", "could", "should", "have", "has", "had", "do", "did", "does",
            "there", "then", "than", "about", "into", "also", "which", "what", "who", "whom", "whose", "all", "any",
            "some", "often", "while", "because", "since", "although", "though", "when", "where", "whether",
            "something", "anything", "everything", "nothing", "else", "very", "really", "still", "just", "even",
            "here", "now", "later", "before", "after", "until", "might", "must", "may", "shall", "its", "his", "her",
            "them", "us", "him", "these", "those", "such", "me", "my", "he", "she", "if", "unless", "not", "no",
            "way", "thing", "things", "lot", "bit", "time", "kind", "sort", "mostly", "mainly", "much", "many", "more",
            "most", "how", "why", "yes", "well", "like", "get", "got", "make", "made", "take", "said", "told", "say"}
# a phrase starting after one of these is its object, read as if it were the subject ("desk
# answered the phone" from "the nurse at the desk answered …"): not a start
PREPOSITION = {"to", "of", "in", "on", "at", "for", "with", "by", "from", "into", "about", "within", "without",
               "towards", "toward", "between", "among", "across", "through", "during", "against", "upon", "onto",
               "via", "over", "under", "around", "behind", "beyond", "near", "off", "out", "up", "down", "like", "per"}
FUNCTION |= PREPOSITION
# nor after a verb's helper: "arrived an hour late" has lost what had arrived
AUXILIARY = {"is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will", "would", "can", "could",
             "should", "shall", "may", "might", "must", "do", "does", "did", "get", "got"}
SUBJECT_PRONOUN = {"i", "we", "they", "you"}
OBJECT = {"him", "her", "them", "it", "us", "me", "you", "this", "that", "these", "those"}
# a phrase says what the speaker said only if its grammar closes where it ends:
# a verb that needs what follows ("brakes need" without "new pads", "plan" without "to …")
NEEDS_MORE = {"need", "needs", "needed", "want", "wants", "wanted", "plan", "plans", "planned", "try", "tries",
              "tried", "hope", "hopes", "hoped", "expect", "expects", "expected", "going", "able", "agree", "agreed",
              "decide", "decided", "seem", "seems", "seemed", "used", "ought", "manage", "managed", "forgot",
              "remember", "remembered", "intend", "intends", "mean", "means", "meant", "afford", "refuse", "refused",
              "promise", "promised", "offer", "offered", "ask", "asks", "asked", "tell", "tells", "told", "let",
              "lets", "help", "helps", "helped", "keep", "keeps", "kept", "start", "starts", "started", "stop",
              "stops", "stopped", "begin", "began", "like", "love", "prefer", "wish", "allow", "allowed", "make",
              "makes", "give", "gives", "gave", "put", "puts", "see", "sees", "saw", "find", "found", "know", "knows",
              "say", "says", "said", "think", "thinks", "thought", "get", "gets", "got", "bring", "brings", "take",
              "takes", "send", "sends", "buy", "buys", "order", "book", "check", "call", "ring", "email", "pay",
              "cost", "costs", "cover", "covers", "include", "includes", "hold", "holds", "reach", "reached",
              # a degree word says how much of what follows ("is too" without "much", "quite" without "far")
              "too", "quite", "rather", "pretty", "fairly", "extremely", "incredibly", "terribly", "awfully"}
# nor before the start of a noun phrase: the word before it is a verb or preposition whose object it is
OBJECT_START = {"a", "an", "the", "our", "your", "their", "its", "his", "my", "some", "any", "every", "each", "no",
                "what", "which", "whether", "how", "who", "whom", "whose", "where", "why"}
# a clause opened by one of these runs to its end ("ask not what country" has lost what it can do)
WH = re.compile(r"^(?:what|which|who|whom|whose|whether|how|why|where)$", re.I)
# a subject's adverbs ("we still see …"): a phrase that leaves out the subject starts with its
# verb and reads as an instruction ("See occasional smoke")
SUBJECT_ADVERB = {"still", "also", "just", "really", "often", "now", "then", "already", "always", "usually",
                  "sometimes", "only", "even", "finally", "all", "both", "certainly", "probably"}
# a past tense reads as a report without its subject ("Paid almost 300", "Sent draft yesterday")
PAST_FORM = re.compile(r"^(?:\w+ed|sent|paid|won|lost|found|heard|spent|sold|bought|made|took|gave|got|came|went|"
                       r"met|left|kept|held|built|brought|told|said|had|did|saw|ran|began|wrote|chose|fixed|set|put)$")
QUALIFIER = re.compile(rf"^(?:almost|nearly|only|about|roughly|around|over|under|less|more|most|some|several|few|"
                       rf"many|every|each|no|\d[\d.,:%]*|{NUMBER_WORDS})$", re.I)


CLITIC = re.compile(r"['’](?:s|re|m|ll|ve|d)$")  # not "n't": a negation carries
# a line that says only when or where ("Early in the season.", "Somewhere near the car park.",
# "Late last night.") has no subject, no verb and no fact of its own: an adverbial, not a line.
# Closed classes from grammar: adverbs of time, place and frequency that open such a phrase,
# and the time nouns a bare time phrase is made of.
ADVERBIAL_LEAD = {"late", "early", "later", "earlier", "soon", "sooner", "once", "twice", "again", "sometimes",
                  "mostly", "mainly", "usually", "often", "always", "already", "still", "even", "ever", "just",
                  "then", "now", "today", "tonight", "yesterday", "tomorrow", "somewhere", "anywhere", "everywhere",
                  "elsewhere", "outside", "inside", "abroad", "nearby", "upstairs", "downstairs", "overnight",
                  "far", "away", "straight", "there", "here", "sometime", "meanwhile"}
TIME_NOUN = {"morning", "mornings", "afternoon", "afternoons", "evening", "evenings", "night", "nights", "day",
             "days", "week", "weeks", "weekend", "weekends", "month", "months", "year", "years", "season", "term",
             "spring", "summer", "autumn", "winter", "hour", "hours", "minute", "minutes", "time", "moment", "last",
             "next", "this", "that", "every", "the", "a", "each", "same", "following", "previous"}


def adverbial(line: str) -> bool:
    """Only a time or place phrase: adverbs of time or place, then a preposition's phrase or
    a bare time phrase, with no verb and no number, name or day."""
    words = [re.sub(r"[^\w'’-]", "", w).lower() for w in line.split()]
    words = [w for w in words if w]
    k = 0
    while k < len(words) and words[k] in ADVERBIAL_LEAD:
        k += 1
    rest = words[k:]
    if markers(line) or FINITE.search(line) or any(PAST_FORM.match(w) for w in words):
        return False
    return not rest or rest[0] in PREPOSITION - {"to"} or (k > 0 and all(w in TIME_NOUN for w in rest))


def told_in_past(text: str) -> bool:
    """A sentence that says what happened: a past auxiliary or a past form ("The storm came in the night.",
    "We arrived at six."; not "need", "speed" or "hundred", which only end like one)."""
    return bool(PAST.search(text) or any(PAST_FORM.match(w) and not w.endswith(("eed", "dred"))
                                         for w in re.findall(r"[a-z]{4,}", text.lower())))


def plan(text: str, before: str = "") -> bool:
    """What the group does from now, said in the plain present: after "then", or with a bound in
    time or a condition ("until …", "now", "only if …", "unless …", a day). Not what the meeting
    does next (its agenda), not what happens to the group (a consequence: "we lose …"), not a
    view said under a condition on the talk ("If you ask me, we …"), and not a story told on
    from the sentence *before* in a verb whose past is its present ("Then we hit …")."""
    match = PLAN.match(text)
    if not match or text.endswith("?"):
        return False
    verb = match.group("verb").lower()
    if PAST_FORM.match(verb) or verb.endswith(("ing", "ed")) or verb.endswith("s") and not verb.endswith("ss"):
        return False
    said = text[match.start("verb"):]
    # what happens to the group; looking into a matter ("we check …", "we wait …") decides nothing
    if UNDERGONE.match(said) or re.match(rf"(?:{INQUIRE})\b", said, re.IGNORECASE) \
            or match.group("condition") and ON_THE_TALK.match(match.group("condition")):
        return False
    if verb in SAME_PAST and told_in_past(before):
        return False
    later = [due for due in DUE.finditer(text) if not re.search(r"today|tonight", due.group(0), re.IGNORECASE)]
    if MEETING_NEXT.match(said) and not later:
        return False
    after = re.findall(r"[\w'’-]+", text[match.end():])
    # it acts on something ("we go from there" reports a route), or it is held for a time
    if not after or after[0].lower() in PREPOSITION and not HELD.search(text):
        return False
    return bool(match.group("then") or PLAN_BOUND.search(text) or DUE.search(text))


def committed(text: str) -> bool:
    """Someone says they will do something (``COMMIT``): not, said with "will", what will befall them
    ("We'll lose half the students.", "We'll miss the deadline."), a prediction, nor a matter put off
    ("… and we'll come back to it."), no task ("We need to complain to the supplier" is one)."""
    return any(not (WILL.search(m.group(0)) and (BEFALLS.match(text[m.end():]) or PUT_OFF.match(text[m.end():])))
               for m in COMMIT.finditer(text))


def named_commitment(text: str) -> bool:
    """Someone named will do something (``NAMED_COMMIT``, ``owner_of``): not what will befall them
    ("Members will complain", a prediction), though another named may commit in the same sentence."""
    return bool(owner_of(text)) and any(not (WILL.search(m.group(0)) and BEFALLS.match(text[m.end():]))
                                        for m in NAMED_COMMIT.finditer(text))


def named_task(text: str) -> bool:
    """ "Kwame, chase the council on Thursday.": a name (not an adverb or a lead-in: "Lovely, …",
    "Finally, …"), a verb in its plain form (no article, pronoun, preposition, past, "-s" or
    "-ing": "Great, the landlord …", "Yes, starting next week"), said as an order with a day; asked
    as settled ("Kwame, you'll … this week?") also as a question."""
    match = NAMED_TASK.match(text)
    if not match or text.endswith("?") and not match.group(2) or not DUE.search(text):
        return False
    name, verb = match.group(1).lower(), match.group(3)
    return (name not in NOT_NAMES and not name.endswith("ly") and verb not in FUNCTION | AUXILIARY | NOT_A_VERB
            and not PAST_FORM.match(verb) and not verb.endswith(("s", "ed", "ly"))
            and not (verb.endswith("ing") and len(verb) > 5))  # "starting", not "bring"


def singular(word: str) -> tuple[str, bool]:
    """A noun without its plural "s", and whether it had one ("pods" → pod; "glass", "bus" stay)."""
    plural = word.endswith("s") and not word.endswith(("ss", "us", "is"))
    return (word[:-1] if plural else word), plural


def negations_in(text: str) -> int:
    return sum(1 for w in text.split() if NEGATION.match(re.sub(r"[^\w'’-]", "", w)))


def carries(text: str) -> bool:
    """At least two words that are more than function words."""
    return sum(1 for w in re.findall(r"[\w'’-]+", text.lower()) if len(w) > 2 and w not in FUNCTION) >= 2


def phrases(clause: str) -> set[str]:
    """Runs of said words inside one clause that a minute-taker might write ("spare chairs
    for back row"): from a word that carries something to another, at least two of them,
    starting and ending where a phrase does (beside a function word or a comma), without a
    comma inside, keeping every negation of the clause, never starting after a word that
    qualifies it (a negation, a quantity, a number, a condition) nor ending on a number or
    a measure without what it counts."""
    words = clause.rstrip(".!?").split()
    bare = [re.sub(r"[^\w'’-]", "", w) for w in words]
    low_bare = [b.lower() for b in bare]
    number = [bool(re.match(NUMBER, b, re.I)) for b in bare]
    content = [(len(b) > 2 and b not in FUNCTION and CLITIC.sub("", b) not in FUNCTION) or number[n]
               for n, b in enumerate(low_bare)]  # "there's", "I'm", "we'll" carry no more than "there", "I", "we"
    negations = [n for n, b in enumerate(bare) if NEGATION.match(b)]
    out = set()
    low, high = PHRASE_WORDS
    for a in range(len(words)):
        if not (content[a] or QUALIFIER.match(bare[a])):
            continue
        # after "we have" the verb may start it: the pronoun and its helper say no fact ("sold 140 tickets")
        pronoun_aux = a > 1 and low_bare[a - 1] in AUXILIARY and low_bare[a - 2] in SUBJECT_PRONOUN or \
            a and CLITIC.search(low_bare[a - 1]) and CLITIC.sub("", low_bare[a - 1]) in SUBJECT_PRONOUN  # "we'll"
        if a and not (low_bare[a - 1] in FUNCTION - PREPOSITION - AUXILIARY or words[a - 1][-1] in ",;:"
                      or pronoun_aux) or \
                a and (BOUND_BEFORE.match(bare[a - 1]) or NEGATION.match(bare[a - 1])) or \
                a > 1 and low_bare[a - 1] == "and" and number[a - 2] and number[a] or \
                a > 2 and low_bare[a - 1] in ("a", "an") and low_bare[a - 2] == "and" and number[a - 3]:
            continue  # nor inside a number: "forty tickets" of "one hundred and forty tickets" says 40,
            # "half thousand" of "two and a half thousand" says 500
        if a > 1 and low_bare[a - 1] in OBJECT_START and low_bare[a - 2] in PREPOSITION | {"before", "after", "until"}:
            continue  # "cellar after rain" of "leaks in the cellar after rain": a preposition's object
        if low_bare[a] in PREPOSITION and not (a + 1 < len(words) and number[a + 1]):
            continue  # "Over last few weeks" is no statement; "over 200 people" is a quantity
        if a and not pronoun_aux and not PAST_FORM.match(low_bare[a]):
            k = a - 1
            while k > 0 and low_bare[k] in SUBJECT_ADVERB:
                k -= 1
            if low_bare[k] in {"i", "we", "they", "he", "she"}:  # not "you": "for you ask …"
                continue  # "see slow queries" of "we still see slow queries" reads as an instruction
        for b in range(a + low - 1, min(len(words), a + high)):
            if not content[b] or any(n < a or n > b for n in negations) or any(w[-1] in ",;:" for w in words[a:b]):
                continue
            if b + 1 < len(words) and not (low_bare[b + 1] in FUNCTION - OBJECT or words[b][-1] in ",;:"):
                continue  # "Most guests bring" without "coats", "and ask" without "him": a phrase ends where one does
            if b + 1 < len(words) and words[b][-1] not in ",;:" and \
                    (low_bare[b] in NEEDS_MORE or low_bare[b + 1] in OBJECT_START):
                continue  # "brakes need" without "new pads", "ask not" without "what": its object follows
            if b + 1 < len(words) and any(WH.match(w) for w in bare[a:b + 1]):
                continue  # "ask not what country" without "can do for you": a what-clause goes to its end
            if b + 1 < len(words) and (number[b] or MEASURE.match(bare[b])):
                continue  # "three" without "chairs", "a week" without "of work"
            if sum(content[a:b + 1]) < 2 or (a == 0 and b == len(words) - 1):
                continue
            if b + 1 < len(words) and any(SUBORDINATE.match(w) for w in bare[a:b + 1]):
                continue  # "once layout" without "is final": a condition or a time clause goes to its end
            if "that" in low_bare[a:b] and not FINITE.search(" ".join(words[a + low_bare[a:b].index("that") + 1:b + 1])):
                continue  # "said that the new boiler" without what it was: a said clause keeps its verb
            text = " ".join(words[a:b + 1]).rstrip(",;:")
            out.add(text[0].upper() + text[1:] + ".")
    return out


def words_in(text: str) -> int:
    """Words a reader reads: time links and Markdown marks are not words."""
    text = re.sub(r"\[\d{1,2}:\d{2}(?::\d{2})?\]\([^)]*\)", " ", text)
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’.:-]*", text))


@dataclass
class Line:
    sentence: Sentence
    text: str  # the sentence, shortened
    kind: str
    value: float


class Minutes:
    """Pick and shorten the grounded sentences of one transcript for each kind of heading."""

    def __init__(self, segments: list[dict]):
        said = sentences(segments)
        self.next_said = {id(a): b for a, b in zip(said, said[1:])}  # the sentence said after, however short
        self.transcript_words = sum(words_in(s.text) for s in said)
        # who said a line is worth its words only when more than one person speaks
        self.voices = len({s.speaker for s in said if s.speaker})
        self.all = [s for s in said if not SKIP.match(s.text) and len(s.text.split()) >= 4]
        self.index = {id(s): i for i, s in enumerate(self.all)}
        counts = Counter(w for s in self.all for w in content_words(s.text))
        # words said again carry the meeting; a word said once still says something
        self.weight = {w: 1.0 + math.log(n) for w, n in counts.items()}
        self.left_open: set[int] = set()  # questions a reply says are not decided yet
        self.put_off: set[int] = set()  # those replies: the question line says what they do
        self.accepted: dict[int, int] = {}  # a task asked of someone by name → the reply that takes it on
        self.kinds = self._classify()

    @property
    def budget(self) -> int:
        """Words the notes may take: a quarter of the transcript at most, a page for an hour."""
        return max(30, min(PAGE_WORDS, int(SHARE * self.transcript_words)))

    # --- what each sentence is ---------------------------------------------------------
    def _classify(self) -> dict[int, str]:
        kinds: dict[int, str] = {}
        listing = False  # after "We have three follow-up actions.", its ordinal items are actions
        self.meets_next: set[int] = set()  # "We meet again on Friday.", said as a decision or a task would be
        for i, s in enumerate(self.all):
            kind = self.kind_of_sentence(i)
            if not kind and NEXT_MEETING.search(s.text) \
                    and self.kind_of_sentence(i, whole=True) in ("decisions", "actions"):
                self.meets_next.add(i)
            ordinal = ORDINAL.match(s.text)
            if listing and ordinal and not kind:
                kind = "actions"
            announced = ANNOUNCED_LIST.search(s.text)
            if announced and not COMMIT.search(s.text):
                # the announcement itself says nothing yet; said with its first item
                # ("So, for next time, first, order the paint."), the sentence is that item
                item = re.search(r"\bfirst(?:ly)?\b,?\s+\S.*", s.text[announced.end():], re.I)
                listing, kind = True, "actions" if item and self._instruction(item.group(0)) else None
            elif not ordinal:
                listing = False
            if kind:
                kinds[i] = kind
        # "Mira, will you set up a visit?" "Yes, I'll arrange it.": one task, one line (the
        # reply adds to it only what it says of a day, a number or a name)
        for i in range(len(self.all) - 1):
            reply = self.all[i + 1].text
            if kinds.get(i) == "actions" and REQUEST.match(self.all[i].text) and self.all[i].text.endswith("?") \
                    and ACCEPT.match(reply) and not DECLINE.search(reply) and not reply.endswith("?") \
                    and kinds.get(i + 1) in (None, "actions"):
                self.accepted[i] = i + 1
                kinds.pop(i + 1, None)
                self.put_off.add(i + 1)
        # "I say we take it from the reserve." … "Good, so that's settled.": the proposal is the
        # decision, the confirmation says nothing more (when it says little else)
        for i in range(1, len(self.all)):
            confirmed = CONFIRMED.match(self.all[i].text)
            if kinds.get(i) != "decisions" or not confirmed \
                    or len(content_words(self.all[i].text[confirmed.end():])) > CONFIRM_REST:
                continue
            proposal = next((j for j in range(i - 1, max(-1, i - 1 - CONFIRM_BACK), -1)
                             if PROPOSED.search(self.all[j].text) or PROPOSAL.match(self.all[j].text)), None)
            if proposal is not None and kinds.get(proposal) in (None, "decisions", "questions"):
                kinds[proposal] = "decisions"
                kinds.pop(i)
                self.put_off.add(i)
        # "Who runs the stand?" "That is not decided yet.": the reply says the question
        # is open, the question says what is open, so the question is the line
        # is the line ("Nobody yet, we'll get back to that" is no action of its own either)
        for i in range(1, len(self.all)):
            text = self.all[i].text
            # "Not decided yet.": a reply that says only that it is open is about the question
            about_it = REFERS_BACK.search(text) or re.search(r"\b(?:that|it|this)\b", text, re.I) \
                and len(content_words(text)) <= 3
            replied = self.next_said.get(id(self.all[i - 1])) is self.all[i]  # not after a short reply
            says_what = unsure(text)  # "It is, but nobody knows whether …" says itself what is open
            if replied and self.all[i - 1].text.endswith("?") and not text.endswith("?") and not says_what and (
                    kinds.get(i) == "questions" and about_it or UNKNOWN.search(text)):
                kinds.pop(i, None)
                kinds[i - 1] = "questions"
                self.left_open.add(i - 1)
                self.put_off.add(i)
        return kinds

    def kind_of_sentence(self, i: int, whole: bool = False) -> str | None:
        """Decisions, actions, questions or None; a clause that says when the group meets next
        is none of them: what the rest of the sentence says, if anything (unless *whole*)."""
        s = self.all[i]
        text = s.text
        if agenda(text):
            return None
        if not whole and NEXT_MEETING.search(text):
            text = ", ".join(c for c in (text[a:b] for a, b in clause_spans(text)) if not NEXT_MEETING.search(c))
            if not text:
                return None
        if PENDING.search(text) or unsure(text) and not text.endswith("?"):
            return "questions"
        if REQUEST.match(text) and REQUEST.match(text).group(1).lower() not in NOT_NAMES:
            return "actions"  # "Tilda, could you call …?" asks someone to do it: no open question
        if named_task(text):  # "Kwame, chase them on Thursday.", "Kwame, you'll change it this week?"
            return "actions"
        if text.endswith("?"):
            if self._agreed(i):  # "Could we put up a sign?" "Good idea.": answered, and agreed when proposed
                asked = asked_clause(text)
                return "decisions" if PROPOSAL.match(text) or PROPOSAL.match(asked) or PROPOSED.search(text) \
                    else None
            return "questions" if self._open_question(i) else None
        if DECIDED.search(text) or self._chosen(i) or self._acquired(text):
            return "decisions"
        if committed(text) or OFFER.search(text) or named_commitment(text) \
                or DELEGATED.search(text) or self._instruction(text):
            return "actions"
        if NAMED_PRESENT.match(text) and NAMED_PRESENT.match(text).group(1).lower() not in NOT_NAMES \
                and DUE.search(text):
            return "actions"  # "Bruno sends the rota by Friday": someone's task with its day
        if PROPOSED.search(text) and not UNKNOWN.search(text):  # "Let's decide it later" decides nothing
            return "decisions"
        if plan(text, self.all[i - 1].text if i else ""):
            return "decisions"
        # "The units are only four years old, so we replace the cables.": a plan said as what follows
        # from what was just said is the group's conclusion, as one said after "then" is
        concluded = re.search(r",\s+so\s+(?=we\b)", text, re.IGNORECASE)
        if concluded and plan(f"Then {text[concluded.end():]}", text[:concluded.start()]) \
                and not HABIT.search(text[concluded.end():]):  # "…, so we wear coats at rehearsals" is a habit
            return "decisions"
        return None

    def _agreed(self, i: int) -> bool:
        """The sentence said right after the *i*-th is a short reply that agrees ("Sure.",
        "Good idea.", "Yes, let's."): not one that says "but" or "not", nor asks again."""
        reply = self.next_said.get(id(self.all[i]))
        if not reply or words_in(reply.text) > AGREES_WORDS or reply.text.endswith("?") \
                or re.search(r"\bbut\b", reply.text, re.I):
            return False
        if AGAINST.search(self.all[i].text):  # "Any objections?" "None from me.": nobody is against
            return bool(NOBODY_AGAINST.match(reply.text))
        return bool(AGREES.match(reply.text) and not negations_in(reply.text))

    @staticmethod
    def _acquired(text: str) -> bool:
        """ "We'll put in a new lock.": the group will get something (not "we'll have a break",
        "we'll need a van", "we'll take a vote": a state, or the meeting itself)."""
        match = ACQUIRE.match(text)
        return bool(match) and not re.fullmatch(STATIVE, match.group("verb"), re.IGNORECASE) \
            and not MEETING_NEXT.match(text[match.start("verb"):]) and not text.endswith("?")

    def _chosen(self, i: int) -> bool:
        """ "We'll take the quartz." after "The quartz takes three weeks.": the group takes one of
        the things just weighed, a choice and so a decision (not a task that takes something
        somewhere: nothing may follow what is taken)."""
        match = CHOICE.match(self.all[i].text)
        if not match:
            return False
        taken = content_words(match.group(1))
        return bool(taken) and any(taken & content_words(s.text) for s in self.all[max(0, i - CHOICE_BACK):i])

    @staticmethod
    def _instruction(text: str) -> bool:
        """ "First, call …", "Finally, check …": an enumerated instruction, not a report."""
        match = ORDINAL.match(text)
        if not match:
            return False
        named = NAMED_ITEM.match(text)
        if named and named.group(1).lower() not in NOT_NAMES and not PAST.search(text):
            return True
        rest = re.findall(r"[A-Za-z']+", text[match.end():])
        if not rest:
            return False
        word = rest[0]
        return (word.islower() and word not in NOT_A_VERB and not word.endswith(("s", "ed", "ing", "ly"))
                and not PAST.search(text))

    def _open_question(self, i: int) -> bool:
        """Asked and left open: long enough to ask something (not "So what went well?"),
        not an invitation to the floor, and not answered by the sentence after it (by anyone:
        a reply that says what is, or the asker's own answer) unless that reply does not know
        or puts the question off ("I don't know yet", "Nobody yet, we'll come back to it"), or a
        short reply a sentence later does not know."""
        s = self.all[i]
        asked = asked_clause(s.text)
        if FLOOR.search(asked):
            return False
        reply = self.next_said.get(id(s))  # however short: "Nobody knows.", "No idea yet."
        if reply and not reply.text.endswith("?") and (UNKNOWN.search(reply.text) or PENDING.search(reply.text)):
            return True
        if len(asked.split()) < 6:  # "So what went well?" is the agenda, unless a reply soon does not know
            if i + 1 < len(self.all) and self.all[i + 1].text.endswith("?"):
                return False  # "What about the ferry? Does it …?": the lead of the question after it
            return any(UNKNOWN.search(later.text) or PENDING.search(later.text) for later in self.all[i + 1:i + 3])
        following = self.all[i + 1] if i + 1 < len(self.all) else None
        if following is None or following.text.endswith("?"):
            return True
        # a reply that says something answers it; one that does not know or puts it off leaves it open,
        # also said a sentence later ("Who covers the desk?" "Megan left." "I honestly don't know.")
        later = self.next_said.get(id(reply)) if reply and not reply.text.endswith("?") else None
        return bool(UNKNOWN.search(following.text) or PENDING.search(following.text)
                    or later and not later.text.endswith("?") and words_in(later.text) <= AGREES_WORDS
                    and UNKNOWN.search(later.text))

    # --- shortening ----------------------------------------------------------------------
    def shorten(self, s: Sentence, kind: str) -> str:
        """*s* said in fewer words (``shorten_one``); a task asked of someone by name with the
        reply that takes it on, when that says a day, a number or a name the task does not."""
        text = self.shorten_one(s, kind)
        reply = self.all[self.accepted[self.index[id(s)]]] if id(s) in self.index and \
            self.index[id(s)] in self.accepted and kind == "actions" else None
        if reply and (DUE.search(reply.text) or markers(reply.text) - markers(s.text)):
            said = Sentence(reply.start, reply.end, SAYS_YES.sub("", reply.text), reply.speaker)
            return f"{text} {self.shorten_one(said, kind)}"
        return text

    def shorten_one(self, s: Sentence, kind: str) -> str:
        """The clauses of *s* that carry its point: for a decision, action or question the
        clause with its cue (and the one before, when it refers back to it), and any clause
        with a due day; for a summary the most central clause. An opener ("So,", "On the
        design side,") is dropped. Words are never changed, only left out."""
        text = s.text.rstrip(".!…")
        spans = clause_spans(text)
        clauses = [text[a:b] for a, b in spans]
        if len(clauses) > 1:
            if kind in LISTED_KINDS:
                cue = {"decisions": (DECIDED, PROPOSED), "actions": (OFFER, NAMED_COMMIT, DELEGATED),
                       "questions": (PENDING, UNSURE)}[kind]
                keep = {n for n, c in enumerate(clauses) if any(p.search(c) for p in cue) or DUE.search(c)
                        or kind != "questions" and committed(c)}  # a commitment, not a prediction
                if kind == "actions" and ORDINAL.match(s.text) or ENUMERATED.search(s.text):
                    keep = set(range(len(clauses)))  # an enumerated item, or a list said in one sentence, stays whole
                if kind == "questions" and s.text.endswith("?"):
                    keep = set(range(len(clauses)))
            else:
                whole = [n for n, c in enumerate(clauses) if n == 0 or STANDS_ALONE.match(c)]
                keep = {max(whole, key=lambda n: self.centrality(clauses[n]) * (1.1 if n == 0 else 1.0))}
            if not keep:
                keep = set(range(len(clauses)))
            if kind in LISTED_KINDS and not s.text.endswith("?"):  # "…, so that more people are comfortable …"
                # (not every kept clause: "Hardly any, and …, because they will bring ovens" kept nothing)
                keep -= {n for n in keep if n > 0 and ASIDE.match(clauses[n]) and not self.informative(clauses[n])} \
                    if keep - {n for n in keep if ASIDE.match(clauses[n])} else set()
            for n in sorted(keep):  # a clause that points back ("so we will move that link") needs its antecedent
                if kind == "questions" and unsure(clauses[n]):
                    continue  # "…, and nobody knows whether the hall is free" says itself what is open
                if n > 0 and n - 1 not in keep and (REFERS_BACK.search(clauses[n]) or kind in LISTED_KINDS
                                                    and BARE_OBJECT.match(note_style(self._tidy(clauses[n]), kind))
                                                    and DETERMINER.search(clauses[n - 1])):
                    keep.add(n - 1)  # "The policy is in the cupboard, I'll bring it": it is the policy
            # clauses side by side keep what was said between them; a gap becomes a comma
            runs: list[list[int]] = []
            for n in sorted(keep):
                if runs and runs[-1][-1] == n - 1:
                    runs[-1].append(n)
                else:
                    runs.append([n])
            return note_style(self._tidy(", ".join(text[spans[r[0]][0]:spans[r[-1]][1]] for r in runs)), kind)
        return note_style(self._tidy(text), kind)

    @staticmethod
    def informative(text: str) -> bool:
        """Says a number, a name, a day or a decision: a clause a minute-taker keeps."""
        return bool(re.search(NUMBER, text, re.I) or DUE.search(text) or DECIDED.search(text)
                    or re.search(r"(?<=\w )[A-Z][a-z]+", text))

    @staticmethod
    def _tidy(text: str) -> str:
        """Without its openers ("So,", "On the design side,"), capitalised, with a full stop."""
        for _ in range(3):
            stripped = OPENER.sub("", text, count=1)
            if stripped == text or len(stripped.split()) < 3:
                break
            text = stripped
        text = re.sub(r"^(?:and|but|so|which|because|although|though|while|since)\s+", "", text, flags=re.I)
        text = condense(text)
        text = text[0].upper() + text[1:] if text else text
        return text if text.endswith(("?", "!")) else text.rstrip(",;:.") + "."

    # --- choosing --------------------------------------------------------------------------
    def strength(self, s: Sentence, kind: str) -> float:
        """How surely a sentence is of its kind, for keeping the surest when the notes must
        be shorter: said as agreed over proposed, a commitment with its owner or day over
        one without, a decision asked for over a plain question."""
        text = s.text
        if kind == "decisions":
            return 3.0 if DECIDED.search(text) else 1.5
        if kind == "questions":
            return 3.0 if PENDING.search(text) or self.index.get(id(s)) in self.left_open else 1.5
        return 2.0 + bool(due_of(text)) + bool(owner_in(s))

    def centrality(self, text: str) -> float:
        words = content_words(text)
        if not words:
            return 0.0
        return sum(self.weight.get(w, 0.0) for w in words) / math.sqrt(len(words))

    def candidates(self, kind: str, exclude: set[int]) -> list[tuple[int, float]]:
        if kind in LISTED_KINDS:
            out = []
            for i, s in enumerate(self.all):
                if i in exclude or self.kinds.get(i) != kind:
                    continue
                out.append((i, self.strength(s, kind) + 0.1 * self.centrality(s.text)))
            return out
        return [(i, self.centrality(s.text)) for i, s in enumerate(self.all) if i not in exclude]

    def notes(self, headings: list[str], reserve: int = 0) -> dict[str, list[Line]]:
        """The lines of each heading, within the budget: decisions, actions and questions
        first (what minutes are for; the weakest dropped when they alone would fill the
        notes), then the summary or key points from what is left: the clause that says
        the most the notes do not say yet for its length, until the budget (less *reserve*
        words, for a remark below the notes) is spent."""
        budget = self.budget - reserve
        used: set[int] = set()
        out: dict[str, list[Line]] = {h: [] for h in headings}
        kinds = {h: kind_of(h) for h in headings}
        listed = [h for h in headings if kinds[h] in LISTED_KINDS]
        for heading in listed:
            for i, value in self.candidates(kinds[heading], used):
                out[heading].append(Line(self.all[i], self.shorten(self.all[i], kinds[heading]), kinds[heading],
                                         value))
                used.add(i)
        kept: list[Line] = []  # a decision said again in the recap is one line: the surer wording stays
        for line in sorted((line for h in listed for line in out[h]), key=lambda line: -line.value):
            words = content_words(line.text)
            again = [k for k in kept if len(words & content_words(k.text))
                     >= REPEAT * min(len(words), len(content_words(k.text)))]
            if words and again:
                heading = next(h for h in listed if line in out[h])
                out[heading].remove(line)
                used.discard(self.index[id(line.sentence)])
            else:
                kept.append(line)
        total = sum(self.cost(line) for h in listed for line in out[h])
        # a decisions, actions or questions heading with nothing to say says so in two words
        empty = EMPTY_WORDS * sum(1 for h in listed if not out[h])
        # when the group meets next, said as a decision or a task would be: the summary's first line
        nxt = self.next_meeting() if len(headings) > len(listed) else None
        room = min(LISTED_SHARE * budget, budget - empty - (self.cost(nxt) if nxt else 0))
        # over the budget: the longest lines first said in fewer words, then the weakest left out
        for line in sorted((line for h in listed for line in out[h]), key=lambda line: -self.cost(line)):
            if total <= room:
                break
            short = self.compact(line.text) if line.kind != "questions" else line.text
            if short != line.text:
                before = self.cost(line)
                line.text = short
                total -= before - self.cost(line)
        for line in sorted((line for h in listed for line in out[h]), key=lambda line: line.value):
            if total <= room:
                break
            heading = next(h for h in listed if line in out[h])
            if len(out[heading]) > 1:  # each heading keeps its best
                out[heading].remove(line)
                used.discard(self.index[id(line.sentence)])
                total -= self.cost(line)
        total += empty
        for heading in listed:  # "I have asked them for …": the short sentence before says who, when it fits
            for line in out[heading]:
                i = self.index[id(line.sentence)]
                if i > 0 and i - 1 not in used and PRONOUN.search(OPENER.sub("", line.text)) \
                        and len(self.all[i - 1].text.split()) <= ANTECEDENT_WORDS \
                        and (not self.all[i - 1].text.endswith("?") or line.kind == "questions"
                             and len(self.all[i - 1].text.split()) <= LEAD_QUESTION_WORDS):
                    before = note_style(self._tidy(self.all[i - 1].text), "summary")
                    # a reaction ("That's a lovely idea.") points back itself: it says nobody "them" is
                    reaction = re.match(r"(?:that|this|it)\b", before, re.IGNORECASE) and not markers(before)
                    if total + words_in(before) <= budget and not reaction:
                        line.text = f"{before} {line.text}"
                        used.add(i - 1)
                        total += words_in(before)
        for heading in listed:  # "Replace it.": the sentence that names "it" goes before, when it fits
            for line in out[heading]:
                j = self.referent(line, used)
                if j is not None:
                    before = self.naming(self.all[j], self.referent_word(line))
                    if total + words_in(before) <= budget:
                        line.text = f"{before} {line.text}"
                        used.add(j)
                        total += words_in(before)
        covered: set[str] = set().union(*(content_words(line.text) for h in listed for line in out[h]))
        for heading in (h for h in headings if h not in listed):
            kind = kinds[heading]
            if kind == "chapters":
                out[heading] = [Line(s, self.shorten(s, kind), kind, 0.0) for s in self.chapters(8)]
                continue
            pool = {i: self.clauses(self.all[i], kind) for i, s in enumerate(self.all)
                    if i not in used and i not in self.put_off and not agenda(s.text)
                    and not s.text.endswith("?") and not INTRODUCTION.match(s.text)
                    and not ANNOUNCED_LIST.search(s.text)}  # "We have three follow-up actions." says none of them
            pool = {i: options for i, options in pool.items() if options}
            chosen: list[Line] = []
            # each option once: its words, what it costs as a line, and its content words
            options = [(i, t, content_words(t) | markers(t), self.cost(Line(self.all[i], t, kind, 0.0)))
                       for i, texts in pool.items() for t in texts]
            marks = set().union(*(markers(o[1]) for o in options))
            if nxt is not None and total + self.cost(nxt) <= budget:  # its room was kept
                chosen.append(nxt)
                used.add(self.index[id(nxt.sentence)])
                # another clause of its sentence may still be a line of its own
                options = [o for o in options if o[0] != self.index[id(nxt.sentence)]
                           or not content_words(o[1]) & content_words(nxt.text)]
                covered |= content_words(nxt.text) | markers(nxt.text)
                total += self.cost(nxt)
                nxt = None
            while options and budget - total >= PHRASE_WORDS[0]:  # room for the shortest line still
                def value(option) -> float:
                    return self.summary_value(option, covered, marks)
                fits = [o for o in options if total + o[3] <= budget]
                best = max(fits, key=value, default=None)
                if best is None or value(best) <= 0:
                    break
                # another fact of the same sentence may follow as a line of its own, sharing no word
                options = [o for o in options if o[0] != best[0] or not (content_words(o[1]) & content_words(best[1]))]
                chosen.append(Line(self.all[best[0]], best[1], kind, value(best)))
                used.add(best[0])
                covered |= best[2]
                total += best[3]
            out[heading] = sorted(chosen, key=lambda line: line.sentence.start)
        return out

    def summary_value(self, option: tuple, covered: set[str], marks: set[str]) -> float:
        """What a summary option (sentence index, text, its words, its cost) adds, per word: a
        number, name or day, or a word rare in English, that the notes do not say yet."""
        new = sum(self.weight.get(w, 1.0) * (1 + FACT_WEIGHT) if w in marks
                  else self.weight.get(w, 0.0) * rarity(w) ** RARITY for w in option[2] - covered)
        return new / max(1, option[3]) ** DENSITY

    def next_meeting(self) -> Line | None:
        """When the group meets next, from the last sentence that said it as a decision or a task
        would be said ("Thanks, all, we meet again on the ninth."): that clause on, without the
        thanks after it, as a decision is written; None when none says a day."""
        for i in sorted(self.meets_next, reverse=True):
            parts = [re.sub(r"^and\s+", "", p) for p in re.split(r",\s+|\s+and\s+(?=thank)",
                                                                 self.all[i].text.rstrip(".!…")) if p]
            k = next((n for n, p in enumerate(parts) if NEXT_MEETING.search(p)), None)
            if k is None:
                continue
            kept = parts[k:]
            while len(kept) > 1 and (SKIP.match(kept[-1]) or courtesy(kept[-1])):
                kept.pop()
            text = note_style(self._tidy(", ".join(kept)), "decisions")
            if when_said(text):
                return Line(self.all[i], text, "summary", 0.0)
        return None

    def referent_word(self, line: Line) -> str | None:
        """What a decision's or action's bare pronoun object stands for ("Then we replace it." after
        "… the water heater keeps tripping …", "How old is that heater?": heater): the noun, said
        after a determiner, that the last ``REFERENT_BACK`` sentences name most (twice at least; on a
        tie the one named first, the matter the talk began with), singular for "it", plural for
        "them", not already in the line."""
        bare = BARE_OBJECT.match(line.text) if line.kind in ("decisions", "actions") else None
        i = self.index.get(id(line.sentence))
        if not bare or i is None or bare.group(1).lower() in ("him", "her"):  # a person: not a thing named
            return None
        plural = bare.group(1).lower() == "them"
        named: Counter = Counter()
        first: dict[str, int] = {}
        for j in range(max(0, i - REFERENT_BACK), i):
            # a noun is the word after a determiner, or after it and one more ("the water heater")
            for pair in DETERMINER.findall(self.all[j].text):
                for noun in (w.lower() for w in pair if w):
                    if noun in FUNCTION or noun in AUXILIARY or re.match(NUMBER, noun) or noun.endswith("ly") \
                            or noun in TIME_NOUN or MEASURE.match(noun) or noun.rstrip("s") in UNIT:
                        break  # "five weeks", "ninety pounds": no thing
                    stem, is_plural = singular(noun)
                    if is_plural == plural:
                        first.setdefault(stem, j)
                    named[stem] += 0  # counted below, in either number
        for j in range(max(0, i - REFERENT_BACK), i):  # each time it is said, with a determiner or not
            for w in re.findall(r"[a-z]+", self.all[j].text.lower()):
                if singular(w)[0] in named:
                    named[singular(w)[0]] += 1
        said = content_words(line.sentence.text)
        options = [(n, -first[stem], stem) for stem, n in named.items()
                   if n >= 2 and stem in first and not {stem, stem + "s"} & said]
        return max(options)[2] if options else None

    def referent(self, line: Line, used: set[int]) -> int | None:
        """The latest sentence before *line* not in the notes yet (a statement rather than a question)
        that names what its bare pronoun object stands for (``referent_word``)."""
        stem = self.referent_word(line)
        if stem is None:
            return None
        i = self.index[id(line.sentence)]
        naming = [j for j in range(i - 1, max(-1, i - 1 - REFERENT_BACK), -1)
                  if j not in used and re.search(rf"\b{stem}s?\b", self.all[j].text, re.IGNORECASE)]
        return next((j for j in naming if not self.all[j].text.endswith("?")), naming[0] if naming else None)

    def naming(self, s: Sentence, stem: str | None) -> str:
        """*s* shortened as a summary line, or, when that leaves out the noun, its clause that says it."""
        short = self.shorten_one(s, "summary")
        if stem and not re.search(rf"\b{stem}s?\b", short, re.IGNORECASE):
            parts = [c.strip() for c in CLAUSE.split(s.text.rstrip(".!…")) if c.strip()]
            part = next((c for c in parts if re.search(rf"\b{stem}s?\b", c, re.IGNORECASE)), s.text)
            short = note_style(self._tidy(part), "summary")
        return short

    def compact(self, text: str) -> str:
        """A decision or action in fewer words, when the notes are over their budget: the
        shortest phrase of one of its clauses that keeps every number, name, day and
        negation it says and half (``KEEP``) of what its words weigh; a question stays as asked."""
        if text.endswith("?"):
            return text
        weight = lambda t: sum(self.weight.get(w, 1.0) for w in content_words(t))  # noqa: E731
        need, marks = KEEP * weight(text), markers(text)
        days = [m.group(0).lower() for m in DUE.finditer(text)]
        negations = negations_in(text)
        best = text
        clauses = re.split(r"(?<=\.) |, ", text.rstrip("."))
        for clause in clauses:
            for option in phrases(clause) | ({clause[0].upper() + clause[1:] + "."} if len(clauses) > 1 else set()):
                if words_in(option) < words_in(best) and marks <= markers(option) and not adverbial(option) \
                        and all(d in option.lower() for d in days) and weight(option) >= need \
                        and negations_in(option) >= negations \
                        and not (BARE_OBJECT.match(option) and not BARE_OBJECT.match(text)):  # "Bring it." of what
                    best = option
        return best

    def clauses(self, s: Sentence, kind: str) -> list[str]:
        """What a summary line of *s* could be: the shortened sentence, or one of its clauses."""
        options = {self.shorten(s, kind)}
        parts = [c.strip() for c in CLAUSE.split(s.text.rstrip(".!…")) if c.strip()]
        whole = [part for n, part in enumerate(parts) if n == 0 or STANDS_ALONE.match(part)]
        for part in whole if len(parts) > 1 else []:
            if len(part.split()) >= 4:
                options.add(note_style(self._tidy(part), kind))
        for part in whole:  # a main clause inside a clause: without its lead-in, or one of two joined by "and"
            for inner in main_clauses(part):
                if len(inner.split()) >= 4:
                    options.add(note_style(self._tidy(inner), kind))
        if not CONDITION.search(s.text):  # a fact that holds only if … is not cut from its condition
            for part in parts:
                options |= phrases(note_style(self._tidy(part), kind))
        # a line that starts "That is …" or "It should …" says nothing without the sentence before;
        # a line needs two words that carry something ("Not any of that else" has none), one of them
        # more than a number, a name or a day ("Fourth of October." says of what)
        return sorted(o for o in options if not REFERS_BACK.search(OPENER.sub("", o)) and carries(o)
                      and content_words(o) - markers(o) and not adverbial(o)
                      and not courtesy(o)  # "Everyone, thanks for staying." is courtesy
                      and not (kind not in LISTED_KINDS and self._ordered(o, s.text)))

    @staticmethod
    def _ordered(option: str, said: str) -> bool:
        """A summary line that starts at the verb of "we'll …", "I can …", "you should …", "we're going to
        …" reads as an order ("Lose half students." of "We'll lose half the students."): what was said is
        no task. Where the option's first two words are said (up to two left out between them) each time
        after such a helper."""
        words = re.findall(r"[A-Za-z'’]+", option)
        if not words:
            return False
        said_as = rf"\b{re.escape(words[0])}\b" + (rf"(?:\s+[\w'’-]+){{0,2}}?\s+{re.escape(words[1])}\b"
                                                   if len(words) > 1 else "")
        starts = [m.start() for m in re.finditer(said_as, said, re.IGNORECASE)]
        return bool(starts) and all(HELPER_BEFORE.search(said[:at]) for at in starts)

    def cost(self, line: Line) -> int:
        return words_in(self.render(line))

    def chapters(self, limit: int) -> list[Sentence]:
        """The most central sentence of each stretch of the meeting."""
        if not self.all:
            return []
        n = min(limit, max(1, len(self.all) // 4))
        size = math.ceil(len(self.all) / n)
        return [max(self.all[i:i + size], key=lambda s: self.centrality(s.text)) for i in range(0, len(self.all), size)]

    def render(self, line: Line) -> str:
        s = line.sentence
        who = f"**{s.speaker}:** " if s.speaker and self.voices > 1 else ""
        if line.kind == "actions":  # the owner, when the line does not name them (the day is in it)
            owner = self.taken_on_by(s) or owner_in(s)
            tag = f" — **Owner:** {owner}" if owner and owner.lower() not in line.text.lower() else ""
            return f"- {who}{line.text} {time_link(s.start)}{tag}"
        return f"- {who}{line.text} {time_link(s.start)}"

    def taken_on_by(self, s: Sentence) -> str | None:
        """Who said yes to a task asked of someone by name, when it was another than the asker."""
        i = self.index.get(id(s))
        reply = self.all[self.accepted[i]] if i in self.accepted else None
        return reply.speaker if reply and reply.speaker and reply.speaker != s.speaker else None

    def sections(self, headings: list[str], reserve: int = 0) -> list[tuple[str, str, list[Line]]]:
        """(heading, Markdown, lines) in the template's order. A decisions, actions or
        questions heading with nothing real says so in two words (``NONE``, inside the
        budget): the reader knows none was made. A summary the decisions and actions left
        no room for is left out. Notes with nothing at all keep every heading, each saying so."""
        picked = self.notes(headings, reserve)
        if not any(picked.values()):
            return [(h, NONE, []) for h in headings]
        return [(h, "\n".join(self.render(line) for line in picked[h]) or NONE, picked[h]) for h in headings
                if picked[h] or kind_of(h) in LISTED_KINDS]
