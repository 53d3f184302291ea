"""Lengths the app accepts for text a patient types or a link carries, named once for every page and module.

A place, a symptom or a name is never longer than a line; anything longer is a pasted mistake or
an attack, and cutting it at one agreed length keeps the boxes, the links and the checks in step.
"""

#: A location, a symptom search or any other free text from a box or a link, in characters.
MAX_TEXT_LENGTH = 200
#: The "Name contains" box: a part of a doctor's name.
MAX_NAME_LENGTH = 100
