/**
 * LGPD masking for the console (docs/contract.md §9): personal data in a payload is hidden in every
 * view unless the operator reveals one event's payload. Two nets, both applied everywhere:
 *
 * - by key name: a field whose name speaks of a CPF, CNPJ, name, e-mail, phone or bank account
 *   has its whole value masked, nested objects and arrays included (labelled by the nearest
 *   such name: `pagador.cpf` says cpf);
 * - by value: inside any string, formatted CPFs and CNPJs, e-mail addresses and phone numbers
 *   that have a phone's context (a country or area code, a mobile's 9, a word such as "tel") are masked, and a string that is nothing but a CPF or CNPJ whose check digits hold.
 *
 * A bare run of digits is not masked by value unless its check digits say CPF or CNPJ: business
 * keys (boleto numbers, end-to-end ids) must stay readable, and they are what operators search by.
 * The patterns have bounded quantifiers only, so masking is linear in the payload's size.
 */

export type PersonalDataKind = "cpf" | "cnpj" | "document" | "name" | "email" | "phone" | "account" | "pix-key" | "free text";

export const maskOf = (kind: PersonalDataKind) => `[masked ${kind}]`;

/** Words of a field name ("nomePagador" → nome, pagador) and the kind each one marks. */
const WORD_KINDS: Record<string, PersonalDataKind> = {
  cpf: "cpf",
  cnpj: "cnpj",
  cpfcnpj: "document",
  documento: "document",
  document: "document",
  nome: "name",
  name: "name",
  razao: "name",
  pagador: "name",
  recebedor: "name",
  devedor: "name",
  sacado: "name",
  favorecido: "name",
  titular: "name",
  email: "email",
  mail: "email",
  telefone: "phone",
  phone: "phone",
  celular: "phone",
  fone: "phone",
  whatsapp: "phone",
  conta: "account",
  account: "account",
  agencia: "account",
  branch: "account",
  iban: "account",
  chave: "pix-key",
  // What a payer typed (Pix `infoPagador`) or was asked: prose that may hold anything, names and
  // addresses included, which no pattern finds. Hidden whole until revealed; not called a name.
  infopagador: "free text",
  solicitacaopagador: "free text",
};

/** Longer field names are not read for words (nobody names a field so); their values are still masked by value. */
export const MAX_CLASSIFIED_KEY_LENGTH = 256;

/** The kind of personal data a field name marks, if any. */
export function kindOfKey(key: string): PersonalDataKind | undefined {
  if (key.length > MAX_CLASSIFIED_KEY_LENGTH) return undefined;
  const words = wordsOf(key.normalize("NFD").replace(/[\u0300-\u036f]/g, ""));
  const joined = words.join("");
  if (Object.hasOwn(WORD_KINDS, joined)) return WORD_KINDS[joined];
  for (const word of words) if (Object.hasOwn(WORD_KINDS, word)) return WORD_KINDS[word];
  return undefined;
}

/**
 * A field name's words, lower case, in one pass: "nomePagador" → nome, pagador; "CPFCnpj" →
 * cpf, cnpj; "e_mail" → e, mail. A word ends before a capital that follows a small letter or
 * digit, before the last capital of a run that a small letter follows, and at anything that is
 * not a letter or digit.
 */
export function wordsOf(key: string): string[] {
  const words: string[] = [];
  let word = "";
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    const kind = charKind(c);
    if (kind === "other") {
      if (word) words.push(word.toLowerCase());
      word = "";
      continue;
    }
    const before = word ? charKind(word[word.length - 1]!) : "other";
    const after = i + 1 < key.length ? charKind(key[i + 1]!) : "other";
    const breaks = kind === "upper" && (before === "lower" || before === "digit" || (before === "upper" && after === "lower"));
    if (breaks) {
      words.push(word.toLowerCase());
      word = "";
    }
    word += c;
  }
  if (word) words.push(word.toLowerCase());
  return words;
}

function charKind(c: string): "upper" | "lower" | "digit" | "other" {
  if (c >= "A" && c <= "Z") return "upper";
  if (c >= "a" && c <= "z") return "lower";
  if (c >= "0" && c <= "9") return "digit";
  return "other";
}

const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}/g;
const CPF_FORMATTED = /(?<![\d.])\d{3}\.\d{3}\.\d{3}-\d{2}(?![\d-])/g;
const CNPJ_FORMATTED = /(?<![\d.])\d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}(?![\d-])/g;
/**
 * A phone needs context, not just a digit run with a hyphen (`PEDIDO-2024-0917` is an order
 * number, `2024-0917` a range): a country code (+55 21 99876 5432), an area code ((11) 3456-7890,
 * 11 91234-5678), a mobile's leading 9 (91234-5678), or a phone word just before it (tel 3456-7890).
 * Never glued to a letter, digit, hyphen, slash or dot before it.
 */
const PHONE =
  /(?<![\w+./-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2}\)[ ]?|\d{2}[ ])9?\d{4}-\d{4}(?![\w-])|(?<![\w+./-])9\d{4}-\d{4}(?![\w-])|(?<![\w+])\+\d{1,3}[ ]?\d{2}[ ]?9?\d{4}[ ]?\d{4}(?!\w)/g;
const PHONE_AFTER_WORD = /(?<=\b(?:tel|telefone|fone|cel|celular|whatsapp|phone|contato)[.:]?[ ]{0,3})\d{4}-\d{4}(?![\w-])/gi;

/** A string with personal data inside it masked; the rest of it kept. */
export function maskText(text: string): string {
  const whole = text.trim();
  if (/^\d{11}$/.test(whole) && validCpf(whole)) return maskOf("cpf");
  if (/^\d{14}$/.test(whole) && validCnpj(whole)) return maskOf("cnpj");
  return text
    .replace(EMAIL, maskOf("email"))
    .replace(CNPJ_FORMATTED, maskOf("cnpj"))
    .replace(CPF_FORMATTED, maskOf("cpf"))
    .replace(PHONE, maskOf("phone"))
    .replace(PHONE_AFTER_WORD, maskOf("phone"));
}

const BARE_DOCUMENT = /(?<![A-Za-z0-9])(?:\d{14}|\d{11})(?![A-Za-z0-9])/g;

/**
 * An identifier (an envelope id, `acme:52998224725`): masked by value like any text, and a bare
 * CPF or CNPJ between its separators too, since a generic source's `idPath` can point at one.
 */
export function maskId(id: string): string {
  return maskText(id).replace(BARE_DOCUMENT, (digits) =>
    digits.length === 11 ? (validCpf(digits) ? maskOf("cpf") : digits) : validCnpj(digits) ? maskOf("cnpj") : digits,
  );
}

/** A copy of a payload with personal data masked, by key name and by value. */
export function maskPersonalData(value: unknown): unknown {
  return walk(value, undefined);
}

function walk(value: unknown, kind: PersonalDataKind | undefined): unknown {
  if (Array.isArray(value)) return value.map((item) => walk(item, kind));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[maskText(key)] = walk(item, kindOfKey(key) ?? kind);
    return out;
  }
  if (kind !== undefined && value !== null && value !== "") return maskOf(kind);
  return typeof value === "string" ? maskText(value) : value;
}

function digitsOf(text: string): number[] {
  return [...text].map(Number);
}

function validCpf(text: string): boolean {
  const d = digitsOf(text);
  if (d.every((x) => x === d[0])) return false;
  const check = (n: number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += d[i]! * (n + 1 - i);
    const rest = (sum * 10) % 11;
    return rest === 10 ? 0 : rest;
  };
  return check(9) === d[9] && check(10) === d[10];
}

function validCnpj(text: string): boolean {
  const d = digitsOf(text);
  if (d.every((x) => x === d[0])) return false;
  const check = (n: number) => {
    const weights = n === 12 ? [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] : [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    const sum = weights.reduce((acc, w, i) => acc + w * d[i]!, 0);
    const rest = sum % 11;
    return rest < 2 ? 0 : 11 - rest;
  };
  return check(12) === d[12] && check(13) === d[13];
}
