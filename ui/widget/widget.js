/* peerhelp chat widget. One tag on a county page:
 *   <script src="https://HOST/widget.js" data-api="https://HOST" data-county="Sonoma"
 *           data-lang="auto|en|es" data-color="#0b5" defer></script>
 * The panel lives in a Shadow DOM: the host page's CSS cannot reach in, ours cannot leak out,
 * and nothing is added to `window`. Every piece of server text is inserted as text, never HTML.
 */
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || document.querySelector("peerhelp-widget")) return;

  const data = script.dataset;
  const api = (data.api || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  const county = (data.county || "").trim().slice(0, 60);
  const brand = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(data.color || "") ? data.color : "#0b5a8a";
  const storeKey = "peerhelp:" + api;
  const MAX_KEPT = 40;

  const T = {
    en: {
      open: "Questions? Ask here",
      title: "Program questions",
      sub: county ? `${county} County · answers from official documents` : "Answers from official program documents",
      close: "Close chat", clear: "Clear conversation", other: "Español", otherLabel: "Cambiar a español",
      privacy: "Please don't share personal details (your name, health information, ID numbers). In a crisis, call or text 988.",
      input: "Your question", placeholder: "Type your question…", send: "Send",
      hint: "Enter to send · Shift+Enter for a new line",
      thinking: "Looking in the documents…", you: "You said", bot: "Assistant",
      draft: "Draft — checking each sentence against the documents…",
      starters: "You can ask, for example:",
      starterList: [],
      sources: "Sources", source: "Source", notFound: "The documents don't say",
      crisisTitle: "You are not alone. Free, confidential help, any time:",
      call: "Call 988", text: "Text 988", spanishLine: "Español: llame al 988 y marque 2",
      emergency: "In danger right now? Call 911", chat: "Chat at 988lifeline.org", chatUrl: "https://988lifeline.org/chat/",
      emergencyTitle: "This sounds like an emergency. Call 911 now.", call911: "Call 911",
      textBody: "", helpful: "Was this answer helpful?", up: "Yes, helpful", down: "No, not helpful",
      commentLabel: "What was missing or wrong? (optional — no personal details)",
      sendComment: "Send feedback", thanks: "Thank you — your feedback helps us improve.",
      passage: "Source passage", back: "Back to the conversation", official: "Open the official page",
      asOf: "As of", section: "Section", issuer: "Issued by", context: "The passage in context:",
      error: "Sorry — the assistant could not be reached. Please try again in a moment.",
      cleared: "Conversation cleared.", newAnswer: "New answer:",
    },
    es: {
      open: "¿Preguntas? Pregunte aquí",
      title: "Preguntas sobre el programa",
      sub: county ? `Condado de ${county} · respuestas de documentos oficiales` : "Respuestas de documentos oficiales del programa",
      close: "Cerrar el chat", clear: "Borrar la conversación", other: "English", otherLabel: "Switch to English",
      privacy: "No comparta datos personales (su nombre, información de salud, números de identificación). En una crisis, llame o envíe un texto al 988.",
      input: "Su pregunta", placeholder: "Escriba su pregunta…", send: "Enviar",
      hint: "Enter para enviar · Mayús+Enter para una línea nueva",
      thinking: "Buscando en los documentos…", you: "Usted dijo", bot: "Asistente",
      draft: "Borrador — comprobando cada frase con los documentos…",
      starters: "Puede preguntar, por ejemplo:",
      starterList: [],
      sources: "Fuentes", source: "Fuente", notFound: "Los documentos no lo dicen",
      crisisTitle: "No está solo/a. Ayuda gratis y confidencial, a cualquier hora:",
      call: "Llamar al 988", text: "Texto al 988", spanishLine: "Español: llame al 988 y marque 2",
      emergency: "¿En peligro ahora? Llame al 911", chat: "Chat en 988lineadevida.org", chatUrl: "https://988lineadevida.org/",
      emergencyTitle: "Esto parece una emergencia. Llame al 911 ahora.", call911: "Llamar al 911",
      textBody: "AYUDA", helpful: "¿Le sirvió esta respuesta?", up: "Sí, me sirvió", down: "No me sirvió",
      commentLabel: "¿Qué faltó o qué estuvo mal? (opcional — sin datos personales)",
      sendComment: "Enviar comentario", thanks: "Gracias — sus comentarios nos ayudan a mejorar.",
      passage: "Pasaje de la fuente", back: "Volver a la conversación", official: "Abrir la página oficial",
      asOf: "Fecha", section: "Sección", issuer: "Publicado por", context: "El pasaje en su contexto:",
      error: "Lo sentimos — no se pudo contactar al asistente. Inténtelo de nuevo en un momento.",
      cleared: "Conversación borrada.", newAnswer: "Nueva respuesta:",
    },
  };

  const load = () => {
    try { return JSON.parse(sessionStorage.getItem(storeKey)) || {}; } catch { return {}; }
  };
  const state = Object.assign({ cid: null, lang: null, open: false, messages: [] }, load());
  const save = () => {
    state.messages = state.messages.slice(-MAX_KEPT);
    try { sessionStorage.setItem(storeKey, JSON.stringify(state)); } catch { /* storage off: the chat still works */ }
  };
  if (state.lang !== "en" && state.lang !== "es") {
    const wanted = (data.lang || "auto").toLowerCase();
    state.lang = wanted === "en" || wanted === "es" ? wanted
      : ((navigator.languages || [navigator.language || "en"]).find((l) => /^(en|es)\b/i.test(l)) || "en").slice(0, 2).toLowerCase();
  }
  const t = (key) => T[state.lang][key];

  /* Colours: the county's colour fills buttons; text on it is black or white, whichever contrasts more,
     and a darkened shade is used for links and focus rings so both stay at WCAG AA on white. */
  const rgb = (hex) => {
    const h = hex.length === 4 ? hex.slice(1).replace(/./g, "$&$&") : hex.slice(1);
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  };
  const luminance = (c) => c.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const contrast = (a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const fill = rgb(brand);
  const onFill = contrast(luminance(fill), 1) >= contrast(luminance(fill), 0) ? "#fff" : "#111";
  let ink = fill;
  while (contrast(luminance(ink), 1) < 5) ink = ink.map((v) => Math.floor(v * 0.9));
  const inkCss = `rgb(${ink.join(",")})`;

  const CSS = `
:host{all:initial!important;display:block!important;position:static!important}
*{box-sizing:border-box}
.root{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a;--fill:${brand};--on:${onFill};--ink:${inkCss}}
button,textarea{font:inherit;color:inherit}
:focus-visible{outline:3px solid var(--ink);outline-offset:2px}
.sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;gap:8px;align-items:center;max-width:calc(100vw - 40px);
  padding:12px 18px;border:0;border-radius:28px;background:var(--fill);color:var(--on);font-weight:600;cursor:pointer;
  box-shadow:0 4px 14px rgba(0,0,0,.25)}
.launcher svg{flex:none}
.panel{position:fixed;right:20px;bottom:20px;z-index:2147483001;width:400px;max-width:calc(100vw - 40px);height:min(640px,calc(100vh - 40px));
  display:flex;flex-direction:column;background:#fff;border-radius:14px;box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden;
  transition:opacity .15s ease,transform .15s ease}
.panel[hidden],.launcher[hidden]{display:none}
header{background:var(--fill);color:var(--on);padding:10px 12px;display:grid;grid-template-columns:1fr auto;gap:6px 8px;align-items:start}
header .titles{flex:1;min-width:0}
h2{font-size:16.8px;margin:0;line-height:1.3}
.sub{margin:2px 0 0;font-size:13.6px}
.hbtn{background:transparent;color:var(--on);border:1px solid currentColor;border-radius:8px;padding:4px 8px;cursor:pointer;font-size:13.6px;min-height:32px}
.x{border:0;font-size:22.4px;line-height:1;padding:2px 8px}
.tools{grid-column:1/-1;display:flex;gap:6px;flex-wrap:wrap}
.privacy{margin:0;padding:8px 12px;font-size:13.12px;background:#f3f4f6;color:#333;border-bottom:1px solid #ddd}
.log{flex:1;overflow-y:auto;margin:0;padding:12px;list-style:none;display:flex;flex-direction:column;gap:12px}
.msg{max-width:92%;padding:10px 12px;border-radius:12px;overflow-wrap:anywhere}
.user{align-self:flex-end;background:var(--fill);color:var(--on);white-space:pre-wrap}
.bot{align-self:flex-start;background:#f3f4f6;color:#1a1a1a}
.bot p,.bot ul{margin:0 0 8px}.bot ul{padding-left:20px}
.bot>:last-child{margin-bottom:0}
.badge{display:inline-block;font-size:12.8px;font-weight:600;background:#fff4d6;color:#5c4300;border:1px solid #e5c66b;border-radius:6px;padding:1px 6px;margin-bottom:6px}
.cite{display:inline-block;min-width:24px;margin:0 1px;padding:0 5px;border:1px solid var(--ink);border-radius:6px;background:#fff;color:var(--ink);
  font-size:12.8px;font-weight:700;line-height:1.4;cursor:pointer;vertical-align:baseline}
.srcs{margin:8px 0 0;padding:8px 0 0;border-top:1px solid #d5d7db;font-size:13.6px}
.srcs h3{font-size:13.6px;margin:0 0 4px}
.srcs ol{margin:0;padding-left:0;list-style:none}
.srcs li{margin:2px 0}
.link{background:none;border:0;padding:2px 0;color:var(--ink);text-decoration:underline;cursor:pointer;text-align:left}
a{color:var(--ink)}
.crisis{border:2px solid #a4161a;background:#fff5f5;color:#1a1a1a;border-radius:10px;padding:10px;margin-bottom:8px}
.crisis strong{display:block;margin-bottom:8px;color:#7a0c0f}
.crisis .acts{display:flex;flex-wrap:wrap;gap:8px;margin-bottom:6px}
.crisis a.big{display:inline-block;padding:10px 14px;border-radius:8px;background:#a4161a;color:#fff;font-weight:700;text-decoration:none}
.crisis a.small{display:block;margin-top:4px;color:#7a0c0f}
.fb{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin-top:8px;font-size:13.6px}
.fb button.rate{background:#fff;border:1px solid #8a8f98;border-radius:8px;padding:2px 8px;cursor:pointer;min-height:32px}
.fb button[aria-pressed=true]{background:var(--fill);color:var(--on);border-color:var(--fill)}
.fb form{flex-basis:100%;display:flex;flex-direction:column;gap:6px}
.fb textarea{width:100%;min-height:56px;border:1px solid #8a8f98;border-radius:8px;padding:6px}
.primary{align-self:flex-start;background:var(--fill);color:var(--on);border:0;border-radius:8px;padding:6px 12px;cursor:pointer;font-weight:600}
.starters{align-self:stretch}
.starters p{margin:0 0 6px;font-size:14.4px}
.starters ul{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:6px}
.starters button{width:100%;text-align:left;background:#fff;border:1px solid var(--ink);color:var(--ink);border-radius:10px;padding:8px 10px;cursor:pointer}
.draft p{color:#555;font-style:italic}
.thinking .dots::after{content:"…";display:inline-block;animation:dots 1.2s steps(4) infinite;width:1.2em;overflow:hidden;vertical-align:bottom}
@keyframes dots{from{width:0}to{width:1.2em}}
.composer{border-top:1px solid #ddd;padding:8px 10px;display:grid;grid-template-columns:1fr auto;gap:6px 8px;align-items:end}
.composer textarea{width:100%;resize:none;max-height:120px;min-height:44px;border:1px solid #6b7280;border-radius:10px;padding:10px}
.composer .send{min-height:44px;padding:0 16px;border:0;border-radius:10px;background:var(--fill);color:var(--on);font-weight:700;cursor:pointer}
.composer .send:disabled{opacity:.6;cursor:default}
.hint{grid-column:1/-1;margin:0;font-size:12px;color:#555}
.view{position:absolute;inset:0;background:#fff;display:flex;flex-direction:column;z-index:2}
.view[hidden]{display:none}
.view .body{overflow-y:auto;padding:12px;flex:1}
.view h3{font-size:16px;margin:0 0 6px}
.view dl{margin:0 0 10px;font-size:14.08px;display:grid;grid-template-columns:auto 1fr;gap:2px 8px}
.view dt{font-weight:600}.view dd{margin:0}
blockquote{margin:0 0 10px;padding:8px 10px;border-left:4px solid var(--ink);background:#f6f7f9;white-space:pre-wrap}
.ctx{white-space:pre-wrap;font-size:14.4px;color:#333}
mark{background:#fff0a8;color:#111}
.panel-inner{position:relative;flex:1;display:flex;flex-direction:column;min-height:0}
@media (max-width:640px){
  .panel{inset:0;right:0;bottom:0;width:100%;max-width:none;height:100%;height:100dvh;border-radius:0}
  .launcher{right:12px;bottom:12px}
}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
`;

  /* Elements: attributes via setAttribute, children as nodes or text nodes, so data is never parsed as markup. */
  const h = (tag, attrs = {}, ...kids) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === false || v == null) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const kid of kids.flat()) if (kid != null && kid !== false) el.append(kid);
    return el;
  };
  const safeUrl = (url) => {
    try {
      const u = new URL(url);
      return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
    } catch { return null; }
  };

  const host = document.createElement("peerhelp-widget");
  const shadow = host.attachShadow({ mode: "open" });
  const icon = () => {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", "22"); svg.setAttribute("height", "22"); svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true"); svg.setAttribute("focusable", "false");
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h10V9H7zm0-3v2h10V6H7zm0 6v2h7v-2H7z");
    svg.append(path);
    return svg;
  };

  const launcherLabel = h("span");
  const launcher = h("button", { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "ph-panel",
    onclick: () => setOpen(true, true) }, icon(), launcherLabel);
  const title = h("h2", { id: "ph-title" });
  const sub = h("p", { class: "sub" });
  const langBtn = h("button", { type: "button", class: "hbtn", onclick: switchLanguage });
  const clearBtn = h("button", { type: "button", class: "hbtn", onclick: clearConversation });
  const closeBtn = h("button", { type: "button", class: "hbtn x", onclick: () => setOpen(false, true) }, "×");
  const privacy = h("p", { class: "privacy" });
  const log = h("ol", { class: "log", "aria-labelledby": "ph-title" });
  const live = h("div", { class: "sr", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  const alertLive = h("div", { class: "sr", role: "alert", "aria-atomic": "true" });
  const inputLabel = h("label", { for: "ph-input", class: "sr" });
  const input = h("textarea", { id: "ph-input", rows: "1", maxlength: "2000", autocomplete: "off", "aria-describedby": "ph-hint" });
  const sendBtn = h("button", { type: "submit", class: "send" });
  const hint = h("p", { id: "ph-hint", class: "hint" });
  const composer = h("form", { class: "composer", onsubmit: (e) => { e.preventDefault(); send(input.value); } },
    inputLabel, input, sendBtn, hint);
  const viewBody = h("div", { class: "body" });
  const backBtn = h("button", { type: "button", class: "hbtn", onclick: closePassage });
  const viewTitle = h("h2", { id: "ph-view-title", tabindex: "-1" });
  const view = h("section", { class: "view", hidden: true, role: "region", "aria-labelledby": "ph-view-title" },
    h("header", {}, h("div", { class: "titles" }, viewTitle), backBtn), viewBody);
  const panel = h("section", { id: "ph-panel", class: "panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "ph-title", hidden: true },
    h("header", {}, h("div", { class: "titles" }, title, sub), closeBtn, h("div", { class: "tools" }, langBtn, clearBtn)),
    h("div", { class: "panel-inner" }, privacy, log, composer, view), live, alertLive);
  const root = h("div", { class: "root" }, launcher, panel);
  const style = document.createElement("style");
  style.textContent = CSS;
  shadow.append(style, root);

  let busy = false;
  let passageOpener = null;

  function renderStatic() {
    root.setAttribute("lang", state.lang);
    launcherLabel.textContent = t("open");
    title.textContent = t("title");
    sub.textContent = t("sub");
    langBtn.textContent = t("other");
    langBtn.setAttribute("aria-label", t("otherLabel"));
    langBtn.setAttribute("lang", state.lang === "en" ? "es" : "en");
    clearBtn.textContent = t("clear");
    closeBtn.setAttribute("aria-label", t("close"));
    privacy.textContent = t("privacy");
    inputLabel.textContent = t("input");
    input.setAttribute("placeholder", t("placeholder"));
    sendBtn.textContent = t("send");
    hint.textContent = t("hint");
    backBtn.textContent = t("back");
    viewTitle.textContent = t("passage");
  }

  function renderLog() {
    log.replaceChildren();
    if (!state.messages.length && t("starterList").length) log.append(starters());
    state.messages.forEach((m, i) => log.append(m.role === "user" ? userBubble(m.text) : botBubble(m, i)));
    log.scrollTop = log.scrollHeight;
  }

  function starters() {
    return h("li", { class: "starters" }, h("p", {}, t("starters")),
      h("ul", {}, t("starterList").map((q) => h("li", {}, h("button", { type: "button", onclick: () => send(q) }, q)))));
  }

  const userBubble = (text) => h("li", { class: "msg user" }, h("span", { class: "sr" }, t("you") + ": "), text);

  /* Answer text: lines starting "- " become a list; "[n]" becomes a button that opens source n. */
  function answerBody(answer, opener) {
    const byN = new Map(answer.citations.map((c) => [c.n, c]));
    const inline = (line) => line.split(/(\[\d+\])/).filter(Boolean).map((part) => {
      const n = /^\[(\d+)\]$/.exec(part);
      const c = n && byN.get(Number(n[1]));
      return c ? citeButton(c, opener) : part;
    });
    const out = [];
    let list = null;
    for (const line of answer.answer.split("\n")) {
      if (!line.trim()) { list = null; continue; }
      if (/^\s*-\s/.test(line)) {
        if (!list) out.push(list = h("ul"));
        list.append(h("li", {}, inline(line.replace(/^\s*-\s/, ""))));
      } else {
        list = null;
        out.push(h("p", {}, inline(line)));
      }
    }
    return out;
  }

  const citeButton = (c, opener) => h("button", { type: "button", class: "cite", "aria-label": `${t("source")} ${c.n}: ${c.title}`,
    onclick: (e) => opener(c, e.currentTarget) }, String(c.n));

  // Emergency (someone may die now): 911 comes first. Crisis: 988 first, 911 if in danger.
  function crisisPanel(level) {
    const link = (href, text, cls) => h("a", { href, class: cls }, text);
    const sms = t("textBody") ? `sms:988?body=${t("textBody")}` : "sms:988";
    const lines = [link("tel:988", t("call"), "big"), link(sms, t("text"), "big")];
    if (level === "emergency") {
      return h("div", { class: "crisis", lang: state.lang },
        h("strong", {}, t("emergencyTitle")),
        h("div", { class: "acts" }, link("tel:911", t("call911"), "big"), ...lines),
        link("tel:988", t("spanishLine"), "small"),
        h("a", { href: t("chatUrl"), class: "small", target: "_blank", rel: "noopener noreferrer" }, t("chat")));
    }
    return h("div", { class: "crisis", lang: state.lang },
      h("strong", {}, t("crisisTitle")),
      h("div", { class: "acts" }, ...lines),
      link("tel:988", t("spanishLine"), "small"),
      link("tel:911", t("emergency"), "small"),
      h("a", { href: t("chatUrl"), class: "small", target: "_blank", rel: "noopener noreferrer" }, t("chat")));
  }

  function botBubble(m, i) {
    const a = m.answer;
    const li = h("li", { class: "msg bot", lang: a.language === "es" ? "es" : "en" }, h("span", { class: "sr" }, t("bot") + ": "));
    if (a.status === "crisis") li.append(crisisPanel(a.safety));
    if (a.status === "abstained") li.append(h("span", { class: "badge" }, t("notFound")));
    li.append(...answerBody(a, openPassage));
    if (a.citations.length) {
      li.append(h("div", { class: "srcs" }, h("h3", {}, t("sources")), h("ol", {}, a.citations.map((c) => h("li", {},
        h("button", { type: "button", class: "link", onclick: (e) => openPassage(c, e.currentTarget) },
          `[${c.n}] ${c.title}${c.section ? " — " + c.section : ""}${c.date ? " (" + c.date + ")" : ""}`))))));
    }
    if (a.message_id && state.cid && a.status !== "crisis") li.append(feedback(m, i));
    return li;
  }

  function feedback(m, i) {
    const box = h("div", { class: "fb" });
    const thanks = h("span", { role: "status" });
    const rate = async (rating, comment = "") => {
      m.rating = rating;
      save();
      up.setAttribute("aria-pressed", String(rating === "up"));
      down.setAttribute("aria-pressed", String(rating === "down"));
      const ok = await post("/v1/feedback", { conversation_id: state.cid, message_id: m.answer.message_id, rating, comment });
      thanks.textContent = ok ? t("thanks") : t("error");
      if (rating === "down" && !comment && ok) showComment();
      else form.remove();
    };
    const commentBox = h("textarea", { id: `ph-fb-${i}`, maxlength: "1000" });
    const form = h("form", { onsubmit: (e) => { e.preventDefault(); rate("down", commentBox.value.trim()); } },
      h("label", { for: `ph-fb-${i}` }, t("commentLabel")), commentBox, h("button", { type: "submit", class: "primary" }, t("sendComment")));
    const showComment = () => { box.append(form); commentBox.focus(); };
    const up = h("button", { type: "button", class: "rate", "aria-pressed": String(m.rating === "up"), onclick: () => rate("up") }, t("up"));
    const down = h("button", { type: "button", class: "rate", "aria-pressed": String(m.rating === "down"), onclick: () => rate("down") }, t("down"));
    box.append(h("span", {}, t("helpful")), up, down, thanks);
    return box;
  }

  async function post(path, body) {
    try {
      const r = await fetch(api + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), credentials: "omit" });
      return r.ok;
    } catch { return false; }
  }

  async function openPassage(c, opener) {
    passageOpener = opener;
    const meta = h("dl", {});
    const row = (k, v) => v && meta.append(h("dt", {}, k), h("dd", {}, v));
    row(t("issuer"), c.issuer);
    row(t("section"), c.section);
    row(t("asOf"), c.date);
    const url = c.url && safeUrl(c.url);
    const context = h("div");
    viewBody.replaceChildren(h("h3", {}, `[${c.n}] ${c.title}`), meta, h("blockquote", { lang: "en" }, c.quote),
      url ? h("p", {}, h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, t("official"))) : null, context);
    view.hidden = false;
    viewTitle.focus();
    if (c.chunk == null) return;
    try {
      const r = await fetch(`${api}/v1/documents/${encodeURIComponent(c.document)}/chunks/${encodeURIComponent(c.chunk)}`, { credentials: "omit" });
      if (!r.ok) return;
      const chunk = await r.json();
      const at = chunk.text.indexOf(c.quote);
      if (at < 0 || chunk.text.length <= c.quote.length + 20) return;
      context.replaceChildren(h("p", {}, t("context")), h("p", { class: "ctx", lang: "en" },
        chunk.text.slice(0, at), h("mark", {}, c.quote), chunk.text.slice(at + c.quote.length)));
    } catch { /* the quote alone is shown */ }
  }

  function closePassage() {
    view.hidden = true;
    if (passageOpener && passageOpener.isConnected) passageOpener.focus();
    else input.focus();
  }

  function setOpen(open, moveFocus) {
    state.open = open;
    save();
    panel.hidden = !open;
    launcher.hidden = open;
    launcher.setAttribute("aria-expanded", String(open));
    if (!moveFocus) return;
    if (open) { log.scrollTop = log.scrollHeight; input.focus(); } else launcher.focus();
  }

  function switchLanguage() {
    state.lang = state.lang === "en" ? "es" : "en";
    save();
    renderStatic();
    renderLog();
    langBtn.focus();
  }

  function clearConversation() {
    const cid = state.cid;
    Object.assign(state, { cid: null, messages: [] });
    save();
    renderLog();
    view.hidden = true;
    live.textContent = t("cleared");
    input.focus();
    if (cid) fetch(`${api}/v1/conversations/${encodeURIComponent(cid)}`, { method: "DELETE", credentials: "omit" }).catch(() => {});
  }

  async function send(text) {
    const message = text.trim();
    if (!message || busy) return;
    busy = true;
    sendBtn.disabled = true;
    input.value = "";
    fit();
    state.messages.push({ role: "user", text: message });
    save();
    renderLog();
    const waiting = h("li", { class: "msg bot thinking" }, h("span", { class: "dots" }, t("thinking")));
    log.append(waiting);
    log.setAttribute("aria-busy", "true");
    log.scrollTop = log.scrollHeight;
    live.textContent = t("thinking");
    let answer;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 45000);
    try {
      answer = await ask(message, controller.signal, (draft) => showDraft(waiting, draft));
    } catch { /* shown as the error below */ }
    clearTimeout(timer);
    answer = answer || { status: "error", answer: t("error") };
    answer.citations = Array.isArray(answer.citations) ? answer.citations : [];
    if (answer.conversation_id) state.cid = answer.conversation_id;
    state.messages.push({ role: "bot", answer });
    save();
    busy = false;
    sendBtn.disabled = false;
    log.removeAttribute("aria-busy");
    renderLog();
    const spoken = answer.answer.replace(/\[\d+\]/g, "");
    if (answer.status === "crisis") alertLive.textContent = `${t(answer.safety === "emergency" ? "emergencyTitle" : "crisisTitle")} ${spoken}`;
    else live.textContent = `${t("newAnswer")} ${answer.status === "abstained" ? t("notFound") + ". " : ""}${spoken}`;
  }

  /* POST /v1/chat/stream: `draft` events carry an LLM's unverified text, `answer` the verified answer that replaces it. */
  async function ask(message, signal, onDraft) {
    const r = await fetch(api + "/v1/chat/stream", {
      method: "POST", headers: { "Content-Type": "application/json" }, credentials: "omit", signal,
      body: JSON.stringify({ message, conversation_id: state.cid, county: county || null }),
    });
    if (!r.ok) {
      const body = await r.json().catch(() => null);
      // a refused message (422), one over the size limit (413) or over the rate limit (429) says why and what to do
      const told = [413, 422, 429].includes(r.status) && body && typeof body.detail === "string";
      return told ? { status: "error", answer: body.detail } : null;
    }
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "", draft = "", answer = null;
    for (;;) {
      const { value, done } = await reader.read();
      buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const kind = (/^event: (.*)$/m.exec(block) || [])[1];
        let data = null;
        try { data = JSON.parse((/^data: (.*)$/m.exec(block) || [])[1]); } catch { continue; }
        if (kind === "draft" && data && typeof data.text === "string") onDraft(draft += data.text);
        else if (kind === "answer" && data && typeof data.answer === "string") answer = data;
        else if (kind === "error" && data && typeof data.detail === "string") answer = { status: "error", answer: data.detail };
      }
      if (done) return answer;
    }
  }

  function showDraft(waiting, text) {
    waiting.className = "msg bot draft";
    waiting.replaceChildren(h("span", { class: "badge" }, t("draft")), h("p", {}, text.replace(/\s*\[\d+(?:,\s*\d+)*\]/g, "")));
    log.scrollTop = log.scrollHeight;
  }

  function fit() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 120) + "px";
  }

  input.addEventListener("input", fit);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(input.value); }
  });
  panel.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    e.stopPropagation();
    if (!view.hidden) closePassage(); else setOpen(false, true);
  });

  renderStatic();
  renderLog();
  /* The program's own words (title, launcher, starter questions) come from the deployment's profile; until they
     arrive, or if they never do, the neutral texts above stay. A starter naming {county} needs a page county. */
  fetch(`${api}/v1/profile`, { credentials: "omit" }).then((r) => (r.ok ? r.json() : null)).then((p) => {
    const w = p && p.widget;
    if (!w) return;
    for (const lang of ["en", "es"]) {
      if (w.title && w.title[lang]) T[lang].title = String(w.title[lang]).slice(0, 120);
      if (w.open && w.open[lang]) T[lang].open = String(w.open[lang]).slice(0, 120);
      const starters = (w.starters && Array.isArray(w.starters[lang]) ? w.starters[lang] : []).map(String)
        .filter((q) => county || !q.includes("{county}")).map((q) => q.split("{county}").join(county).slice(0, 200));
      if (starters.length) T[lang].starterList = starters.slice(0, 6);
    }
    renderStatic();
    if (!state.messages.length) renderLog();
  }).catch(() => { /* the neutral texts stay */ });
  const mount = () => { document.body.append(host); setOpen(state.open, false); };
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
