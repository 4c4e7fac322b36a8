/**
 * Context: the words just before a candidate. A keyword such as "phone" or "Karte" vouches
 * for a weak candidate; a label such as "order", "Abschnitt" or "注文番号" vetoes it. Windows
 * are bounded, so context costs a constant per candidate and the scan stays linear.
 *
 * Keywords are plain lowercase words, listed per language. They match on word boundaries
 * (Unicode letters and digits, so "table" is not found in "iptables" and "tel" not in
 * "hotel"); a final "*" makes a prefix ("call*" also matches "calling"). Words in scripts
 * written without spaces (Han, Hiragana, Katakana) match anywhere: the script has no word
 * boundary to match on.
 *
 * A veto is a label: it names the value right after it. It counts only when nothing but
 * connecting words ("to", "number", "is", "auf", "numéro", "は"…) lies between it and the
 * candidate: not another value ("order A855425109 with 4004 9189 2706 8313"), a clause break
 * ("After the upgrade, 93.209.3.193 …") or a verb ("Nach dem Update kann 85.12.33.1 …").
 * The nearest keyword that counts wins.
 */

/** How far back (in UTF-16 units) a keyword may sit from the candidate. */
export const CONTEXT_WINDOW = 40;
/** The most words a label may stand from the value it names ("order number is"). */
const MAX_LABEL_GAP_WORDS = 3;
/** Words that may stand between a label and its value, in every language listed. */
const CONNECTORS = new Set(
  (
    "to is was are of the a an for at on in as with no nr num number numbers code id ref " +
    "auf ist war zu zur zum von vom für der die das den dem des nummer nr. am im " +
    "à a est de du des la le les l au aux en vers pour numéro n° " +
    "es era el los las del al para en con número nº " +
    "hai ka ki ke"
  ).split(" "),
);
const UNSPACED_WORD = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]{1,3}$/u;
const SENTENCE_END = /[.!?](?=\s)|[。！？\n]/g;
const CLAUSE_BREAK = /[,;，、；]|\s[-–—]\s/;
const WORD = /[\p{L}\p{N}]+/gu;

/** The languages whose context words the detectors list (hi: Hindi in Latin script). */
export type Language = "en" | "de" | "fr" | "es" | "ja" | "hi";
/** Keywords per language, "|"-separated: plain lowercase words, "*" at the end for a prefix. */
export type Words = Partial<Record<Language, string>>;

/** A compiled keyword matcher; build it once per detector with contextKeywords. */
export type ContextKeywords = { readonly pattern: RegExp };

/** Which kind of keyword counts nearest before `start`: "positive", "negative" or null. */
export function nearestContext(
  text: string,
  start: number,
  keywords: ContextKeywords,
): "positive" | "negative" | null {
  const from = Math.max(0, start - CONTEXT_WINDOW);
  if (!hasWordCharacter(text, from, start)) return null;
  const window = text.slice(from, start).toLowerCase();
  // Words of an earlier sentence or line do not count ("…or id. Call 555…"); a keyword that
  // ends with the full stop ("tel.") still does.
  SENTENCE_END.lastIndex = 0;
  let sentenceStart = 0;
  for (let end = SENTENCE_END.exec(window); end; end = SENTENCE_END.exec(window)) {
    sentenceStart = end.index;
  }
  const pattern = keywords.pattern;
  pattern.lastIndex = 0;
  let nearest: "positive" | "negative" | null = null;
  for (let match = pattern.exec(window); match; match = pattern.exec(window)) {
    const end = match.index + match[0].length;
    if (match[0].length === 0) pattern.lastIndex++;
    if (end <= sentenceStart) continue;
    if (match.groups?.["pos"] !== undefined) nearest = "positive";
    else if (labelsCandidate(window.slice(end))) nearest = "negative";
  }
  return nearest;
}

/** Whether a label followed by `gap` still names the candidate after the gap. */
function labelsCandidate(gap: string): boolean {
  if (/\d/.test(gap) || CLAUSE_BREAK.test(gap)) return false;
  const words = gap.match(WORD) ?? [];
  return words.length <= MAX_LABEL_GAP_WORDS &&
    words.every((word) => CONNECTORS.has(word) || UNSPACED_WORD.test(word));
}

/** Whether [from, to) holds a letter (any script), "#" or "§": else no keyword can be there. */
function hasWordCharacter(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if ((c | 32) >= 97 && (c | 32) <= 122) return true; // A-Z, a-z
    if (c === 35 || c > 127) return true; // "#", and letters beyond ASCII
  }
  return false;
}

/** A letter or digit of a script written with spaces between words. */
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const BEFORE = "(?<![\\p{L}\\p{N}_])";
const AFTER = "(?![\\p{L}\\p{N}_])";

/** One keyword as regex source, with the word boundaries its script has. */
function keywordSource(word: string): string {
  const prefix = word.endsWith("*");
  const plain = prefix ? word.slice(0, -1) : word;
  const escaped = plain.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const bounded = (ch: string) => LETTER_OR_DIGIT.test(ch) && !UNSPACED.test(ch);
  const head = bounded(plain[0]!) ? BEFORE : "";
  const tail = !prefix && bounded(plain[plain.length - 1]!) ? AFTER : "";
  return head + escaped + tail;
}

/** The regex alternatives of every word of every language. */
function alternatives(words: Words): string {
  const all = Object.values(words).flatMap((list) => list.split("|"));
  return all.map((word) => keywordSource(word.trim().toLowerCase())).join("|");
}

/** Builds a keyword matcher for nearestContext from positive and negative words. */
export function contextKeywords(positive: Words, negative: Words): ContextKeywords {
  const source = `(?<pos>${alternatives(positive)})|(?<neg>${alternatives(negative)})`;
  return { pattern: new RegExp(source, "gu") };
}

/** Labels of identifiers that are not personal data, shared by the numeric detectors. */
export const IDENTIFIER_WORDS: Words = {
  en: "order*|invoice*|inv|ticket*|tracking|shipment*|parcel*|account*|acct|ref|refs|" +
    "reference*|serial*|sku*|isbn*|po|id|ids|case|cases|transaction*|txn*|receipt*|" +
    "confirmation*|booking*|reservation*|part|parts|model*|version*|build*|release*|zip|" +
    "postal|postcode*|amount*|total*|price*|quantity|qty|batch*|lot|lots|upc|ean|gtin|imei|" +
    "vin|patent*|_id|#",
  de: "bestellung*|bestellnummer*|bestell-nr|auftrag*|auftragsnummer*|rechnung*|" +
    "rechnungsnummer*|kundennummer*|kunden-nr|sendung*|sendungsnummer*|vorgang*|" +
    "vorgangsnummer*|aktenzeichen|artikelnummer*|seriennummer*|betrag*|summe|preis*|menge|" +
    "plz|postleitzahl|ticketnummer*|buchung*|buchungsnummer*|referenz*",
  fr: "commande*|facture*|référence*|réf|colis|dossier*|numéro de commande|numéro de suivi|" +
    "suivi|montant*|prix|quantité*|code postal|réservation*|billet*|ticket*|numéro de série",
  es: "pedido*|factura*|referencia*|ref|envío*|envio*|seguimiento|expediente*|importe*|" +
    "precio*|cantidad*|código postal|reserva*|número de serie|localizador*",
  ja: "注文|請求書|伝票|受付番号|問い合わせ番号|お問合せ番号|品番|型番|製造番号|シリアル|" +
    "追跡番号|予約番号|郵便番号|金額|〒|管理番号|会員番号|チケット",
  hi: "order*|bill|invoice*|ticket*",
};
