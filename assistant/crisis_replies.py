"""What a message that signals danger gets: fixed, tested text with the right lines, never corpus or model text.

One reply per level (assistant/safety_model.py LEVELS), in English and Spanish:
- emergency (someone may die now): 911 first, then 988;
- crisis: 988 first (call, text, chat), then Crisis Text Line, then 911 if in danger;
- concern: the program answer, then one line about 988.

The resources as their services publish them: 988 Suicide & Crisis Lifeline (call, text or chat at
988lifeline.org; in Spanish, call 988 and press 2, text AYUDA to 988, chat at 988lineadevida.org);
Crisis Text Line (HOME to 741741 in English; AYUDA to 741741 or WhatsApp 442-AYUDAME in Spanish).

The Spanish uses *usted* on purpose: it is the respectful form for a stranger of any age or region, it is
what California's public health services use with the public, and a person in crisis should never feel
talked down to; *tú* can read as warm to some and as disrespectful to an older adult. The rest of the
assistant's Spanish uses *usted* too, so the register does not change mid-conversation.
"""

EMERGENCY_REPLY = {
    "en": (
        "This sounds like an emergency. Call 911 now.\n"
        "- Stay with the person if you can, and tell the dispatcher what was taken or what happened.\n"
        "- Then, or if you can't talk to 911: call or text 988 (988 Suicide & Crisis Lifeline), or chat at "
        "988lifeline.org.\n"
        "- Crisis Text Line: text HOME to 741741."
    ),
    "es": (
        "Esto parece una emergencia. Llame al 911 ahora.\n"
        "- Quédese con la persona si puede, y dígale a la operadora qué se tomó o qué pasó.\n"
        "- Después, o si no puede hablar con el 911: llame al 988 y marque 2 para español, envíe AYUDA por texto "
        "al 988, o chatee en 988lineadevida.org.\n"
        "- Crisis Text Line: envíe AYUDA por texto al 741741, o por WhatsApp al 442-AYUDAME."
    ),
}
CRISIS_REPLY = {
    "en": (
        "I'm really glad you told me. You don't have to go through this alone, and help is available right now, "
        "free and confidential, any time:\n"
        "- Call or text 988 (988 Suicide & Crisis Lifeline), or chat at 988lifeline.org.\n"
        "- Crisis Text Line: text HOME to 741741.\n"
        "- If you or someone else is in immediate danger, call 911."
    ),
    "es": (
        "Gracias por decírmelo. No tiene que pasar por esto a solas; hay ayuda ahora mismo, gratis y confidencial, "
        "a cualquier hora:\n"
        "- Llame al 988 y marque 2 para español, envíe AYUDA por texto al 988, o chatee en 988lineadevida.org "
        "(988 Suicide & Crisis Lifeline).\n"
        "- Crisis Text Line: envíe AYUDA por texto al 741741, o por WhatsApp al 442-AYUDAME.\n"
        "- Si usted u otra persona está en peligro inmediato, llame al 911."
    ),
}
CONCERN_LINE = {
    "en": "If things feel heavy, you can call or text 988 any time; it's free and confidential.",
    "es": "Si las cosas se sienten pesadas, puede llamar al 988 (marque 2 para español) o enviar AYUDA por texto "
          "al 988 a cualquier hora; es gratis y confidencial.",
}
PROGRAM_FOLLOWS = {"en": "About your question:", "es": "Sobre su pregunta:"}
KEEP_ASKING = {
    "en": "You can keep asking me about peer certification any time.",
    "es": "Puede seguir preguntándome sobre la certificación de pares cuando quiera.",
}
REPLIES = {"emergency": EMERGENCY_REPLY, "crisis": CRISIS_REPLY}
FIXED_TEXTS = [*EMERGENCY_REPLY.values(), *CRISIS_REPLY.values(), *CONCERN_LINE.values(), *PROGRAM_FOLLOWS.values(),
               *KEEP_ASKING.values()]
