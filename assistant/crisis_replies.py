"""What a message that signals risk gets: fixed, tested text with the crisis lines, never corpus or model text.

English and Spanish; detection is in assistant/safety.py.
"""

CRISIS_REPLY = {
    "en": (
        "I'm really glad you told me. You don't have to go through this alone, and help is available right now, "
        "free and confidential, any time:\n"
        "- Call or text 988 (988 Suicide & Crisis Lifeline), or chat at 988lifeline.org\n"
        "- Crisis Text Line: text HOME to 741741\n"
        "- In Spanish: call 988 and press 2, or text AYUDA to 988\n"
        "- If you are in immediate danger, call 911."
    ),
    "es": (
        "Gracias por decírmelo. No tiene que pasar por esto a solas; hay ayuda ahora mismo, gratis y confidencial, "
        "a cualquier hora:\n"
        "- Llame al 988 y marque 2 para español, o envíe AYUDA por texto al 988 (988 Suicide & Crisis Lifeline)\n"
        "- Crisis Text Line: envíe HOME por texto al 741741\n"
        "- Chat en inglés: 988lifeline.org\n"
        "- Si está en peligro inmediato, llame al 911."
    ),
}
SUPPORT_NOTE = {
    "en": "If someone is in danger right now, they (or you) can call or text 988, or call 911 in an emergency.",
    "es": "Si alguien está en peligro ahora mismo, puede llamar o enviar un texto al 988, o llamar al 911 en una emergencia.",
}
PROGRAM_FOLLOWS = {"en": "About your question:", "es": "Sobre su pregunta:"}
FIXED_TEXTS = [*CRISIS_REPLY.values(), *SUPPORT_NOTE.values(), *PROGRAM_FOLLOWS.values()]
