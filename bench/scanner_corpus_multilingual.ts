/**
 * The corpus's realistic multilingual part: support tickets, chat messages, configs, shell
 * output, logs and CSV in English, German, French, Spanish, Japanese and Hindi in Latin
 * script, with the formats and contexts of issue 19's failure classes (iptables rules, `uniq
 * -c` counts and traceroute hops before addresses, clone URLs with tokens, slash, full-width,
 * Brazilian and Indian phone numbers, labels that name another value), the secret kinds added
 * with them, and hard negatives in each language. Values are random and valid (checksums
 * right), never documentation examples.
 */
import type { RiskTag } from "../sdk/mod.ts";
import {
  alnum,
  apiKey,
  awsAccessKeyId,
  awsSecretKey,
  BASE64,
  breakIban,
  card,
  digits,
  email,
  f,
  fromChars,
  groupedIban,
  groupsOf4,
  hex,
  ipv4,
  ipv6,
  luhnInvalid,
  name,
  nonPersonalIPv4,
  pick,
  type Writer,
} from "./scanner_corpus.ts";

const int = (min: number, max: number) => f.number.int({ min, max });
const FULL_WIDTH = (ascii: string) =>
  [...ascii].map((ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)).join("");

/** Phone numbers in the national forms of issue 19, random and outside fiction ranges. */
function germanSlash(): string {
  const area = pick(["030", "040", "089", "0711", "0221", "069", "0351", "0511", "0911"]);
  return `${area}/${int(2, 9)}${digits(area.length === 3 ? 7 : 6)}`;
}
function japaneseFullWidth(): string {
  return FULL_WIDTH(`0${pick(["70", "80", "90"])}-${int(1000, 9999)}-${digits(4)}`)
    .replace(/－/g, pick(["－", "－", "-"]));
}
function brazilian(): string {
  return `(${int(11, 99)}) ${pick([`9${digits(4)}`, String(int(2000, 5999))])}-${digits(4)}`;
}
function indianMobile(): string {
  return `${int(6, 9)}${digits(4)}${pick([" ", "-"])}${digits(5)}`;
}
function frenchMobile(): string {
  const sep = pick([" ", ".", "\u00a0"]);
  return ["0" + pick(["6", "7"]), digits(2), digits(2), digits(2), digits(2)].join(sep);
}
function spanishMobile(): string {
  return `${pick(["6", "7"])}${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`;
}

function webhook(): string {
  return pick([
    () =>
      `https://hooks.slack.com/services/T${fromChars("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 10)}` +
      `/B${fromChars("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 10)}/${alnum(24)}`,
    () => `https://discord.com/api/webhooks/${digits(19).replace(/^0/, "1")}/${alnum(68)}`,
  ])();
}
function urlPassword(): string {
  return alnum(int(10, 24)) + pick(["", "!", "%40", "-x"]);
}
function basicToken(): string {
  return btoa(`${f.internet.username().toLowerCase()}:${alnum(int(10, 20))}`);
}
function azureKey(): string {
  return fromChars(BASE64, 86) + "==";
}

export const MULTILINGUAL_POSITIVES: Partial<Record<RiskTag, Writer[]>> = {
  PII_PHONE: [
    (d) => d.t("Sie erreichen mich unter ").v("PII_PHONE", germanSlash()).t(" ab 9 Uhr."),
    (d) => d.t("Rückruf bitte: ").v("PII_PHONE", germanSlash()),
    (d) => d.t("携帯：").v("PII_PHONE", japaneseFullWidth()).t("までご連絡ください。"),
    (d) => d.t("お電話は ").v("PII_PHONE", japaneseFullWidth()).t(" へ"),
    (d) => d.t("Meu celular é ").v("PII_PHONE", brazilian()).t(", pode ligar."),
    (d) => d.t(`${name()}, `).v("PII_PHONE", brazilian()),
    (d) => d.t("Bhai mera number ").v("PII_PHONE", indianMobile()).t(" hai, call kar lena."),
    (d) => d.t(`${name()} ka ${pick(["naya", "purana"])} `).v("PII_PHONE", indianMobile()).t(" pe"),
    (d) => d.t("Mon portable : ").v("PII_PHONE", frenchMobile()).t(", merci."),
    (d) => d.t("Llámame al ").v("PII_PHONE", spanishMobile()).t(" por la tarde."),
    (d) => d.t(`name,phone\n${name()},`).v("PII_PHONE", frenchMobile().replace(/\u00a0/g, " ")),
  ],
  PII_CREDIT_CARD: [
    (d) => d.t(`I paid for order A${digits(9)} with `).v("PII_CREDIT_CARD", card()).t("."),
    (d) => d.t("Meine Kreditkarte ").v("PII_CREDIT_CARD", card()).t(" wurde zweimal belastet."),
    (d) => d.t("Ma carte bancaire ").v("PII_CREDIT_CARD", card()).t(" a été refusée."),
    (d) => d.t(`Pedido ${digits(8)}, tarjeta `).v("PII_CREDIT_CARD", card()),
    (d) => d.t("カード番号 ").v("PII_CREDIT_CARD", card()).t(" で支払いました"),
    (d) => d.t(`Invoice INV-${digits(5)}, card `).v("PII_CREDIT_CARD", card()),
  ],
  PII_IP_ADDRESS: [
    (d) => d.t("iptables -A INPUT -s ").v("PII_IP_ADDRESS", ipv4()).t(" -j DROP"),
    (d) =>
      d.t(`   ${int(1, 9999)} `).v("PII_IP_ADDRESS", ipv4()).t(`\n   ${int(1, 99)} `)
        .v("PII_IP_ADDRESS", ipv4()),
    (d) =>
      d.t(` ${int(2, 29)}  `).v("PII_IP_ADDRESS", ipv4())
        .t(`  ${int(1, 90)}.${digits(3)} ms  ${int(1, 90)}.${digits(3)} ms`),
    (d) =>
      d.t("After the upgrade, ").v("PII_IP_ADDRESS", ipv4()).t(" can no longer reach the API."),
    (d) => d.t("Nach dem Update kann ").v("PII_IP_ADDRESS", ipv4()).t(" die API nicht erreichen."),
    (d) =>
      d.t("Le serveur ").v("PII_IP_ADDRESS", ipv4()).t(" ne répond plus depuis la mise à jour."),
    (d) => d.t("La dirección ").v("PII_IP_ADDRESS", ipv4()).t(" está bloqueada."),
    (d) => d.t("接続元 ").v("PII_IP_ADDRESS", ipv4()).t(" からのアクセスを拒否しました。"),
    (d) =>
      d.t(`${f.date.recent().toISOString()} WARN login failed ip=`).v("PII_IP_ADDRESS", ipv6()),
    (d) => d.t(`"${name()}","`).v("PII_IP_ADDRESS", ipv4()).t(`","${f.location.city()}"`),
  ],
  PII_EMAIL: [
    (d) => d.t("Bitte an ").v("PII_EMAIL", email()).t(" schicken, danke."),
    (d) => d.t("Écrivez-moi à ").v("PII_EMAIL", email()).t(" svp."),
    (d) => d.t("メール：").v("PII_EMAIL", email()),
    (d) => d.t("mera email ").v("PII_EMAIL", email()).t(" hai"),
  ],
  PII_IBAN: [
    (d) => d.t("Bitte überweisen Sie auf ").v("PII_IBAN", groupedIban()).t("."),
    (d) => d.t("Virement sur l'IBAN ").v("PII_IBAN", groupedIban()).t(" merci."),
  ],
  SECRET_API_KEY: [
    (d) =>
      d.t("git clone https://").v("SECRET_API_KEY", `ghp_${alnum(36)}`)
        .t(`@github.com/${f.internet.username()}/app.git`),
    (d) => d.t("curl 'https://api.acme.io/v1/items?api_key=").v("SECRET_API_KEY", apiKey()).t("'"),
  ],
  SECRET_AWS_ACCESS_KEY: [
    (d) =>
      d.t('provider "aws" {\n  region     = "eu-west-1"\n  access_key = "')
        .v("SECRET_AWS_ACCESS_KEY", awsAccessKeyId()).t('"\n  secret_key = "')
        .v("SECRET_AWS_ACCESS_KEY", awsSecretKey()).t('"\n}'),
  ],
  SECRET_WEBHOOK_URL: [
    (d) => d.t("curl -X POST -d @msg.json ").v("SECRET_WEBHOOK_URL", webhook()),
    (d) => d.t("SLACK_WEBHOOK_URL=").v("SECRET_WEBHOOK_URL", webhook()),
    (d) => d.t("Der Webhook ist ").v("SECRET_WEBHOOK_URL", webhook()).t(" – bitte nicht teilen."),
  ],
  SECRET_PASSWORD: [
    (d) =>
      d.t(`DATABASE_URL=postgres://${f.internet.username().toLowerCase()}:`)
        .v("SECRET_PASSWORD", urlPassword()).t(`@db-${digits(2)}.internal:5432/app`),
    (d) =>
      d.t("mongodb+srv://admin:").v("SECRET_PASSWORD", urlPassword())
        .t(`@cluster0.${alnum(5).toLowerCase()}.mongodb.net/prod`),
    (d) => d.t("redis://:").v("SECRET_PASSWORD", urlPassword()).t("@cache:6379/0"),
  ],
  SECRET_BASIC_AUTH: [
    (d) => d.t("Authorization: Basic ").v("SECRET_BASIC_AUTH", basicToken()),
    (d) =>
      d.t("curl -H 'authorization: basic ").v("SECRET_BASIC_AUTH", basicToken())
        .t("' https://api.acme.io/"),
  ],
  SECRET_AZURE_STORAGE_KEY: [
    (d) =>
      d.t(`DefaultEndpointsProtocol=https;AccountName=${alnum(8).toLowerCase()};AccountKey=`)
        .v("SECRET_AZURE_STORAGE_KEY", azureKey()).t(";EndpointSuffix=core.windows.net"),
    (d) => d.t('AZURE_STORAGE_KEY="').v("SECRET_AZURE_STORAGE_KEY", azureKey()).t('"'),
  ],
};

export const MULTILINGUAL_NEGATIVES: Array<[family: string, write: Writer]> = [
  [
    "section numbers",
    (d) =>
      d.t(`Siehe Abschnitt ${int(1, 9)}.${int(1, 9)}.${int(1, 9)}.${int(1, 9)} der Richtlinie.`),
  ],
  [
    "section numbers",
    (d) => d.t(`voir le chapitre ${int(1, 9)}.${int(1, 9)}.${int(1, 9)}.${int(1, 9)}`),
  ],
  [
    "section numbers",
    (d) => d.t(`véase la sección ${int(1, 9)}.${int(1, 9)}.${int(1, 9)}.${int(1, 9)}`),
  ],
  ["section numbers", (d) => d.t(`第${int(1, 9)}.${int(1, 9)}.${int(1, 9)}.${int(1, 9)}条を参照`)],
  ["order number", (d) => d.t(`Bestellnummer ${digits(3)}-${digits(3)}-${digits(4)}`)],
  ["order number", (d) => d.t(`numéro de commande ${digits(10)}`)],
  ["order number", (d) => d.t(`注文番号 ${digits(12)}`)],
  ["order number", (d) => d.t(`pedido ${groupsOf4("4" + digits(15))}`)],
  ["card-like", (d) => d.t(`Karte ${groupsOf4(luhnInvalid("4" + digits(14)))}, danke`)],
  [
    "iban-like",
    (d) =>
      d.t(`IBAN: ${breakIban(groupedIban().replace(/ /g, "")).replace(/(.{4})/g, "$1 ").trim()}`),
  ],
  [
    "documentation values",
    (d) =>
      d.t(
        `Test with ${
          pick([
            "4242 4242 4242 4242",
            "4111 1111 1111 1111",
            "4012 8888 8888 1881",
            "378282246310005",
            "6011 1111 1111 1117",
            "5555 5555 5555 4444",
          ])
        }.`,
      ),
  ],
  [
    "documentation values",
    (d) =>
      d.t(
        `IBAN ${
          pick([
            "DE89 3704 0044 0532 0130 00",
            "GB29 NWBK 6016 1331 9268 19",
            "FR14 2004 1010 0505 0001 3M02 606",
            "NL91ABNA0417164300",
          ])
        }`,
      ),
  ],
  ["documentation values", (d) => d.t(`call (${int(201, 989)}) 555-01${digits(2)}`)],
  [
    "documentation values",
    (d) => d.t(`${pick(["020 7946 0", "0113 496 0", "07700 900"])}${digits(3)}`),
  ],
  [
    "documentation values",
    (d) => d.t(`${f.internet.username().toLowerCase()}@example.${pick(["com", "org", "net"])}`),
  ],
  [
    "documentation values",
    (d) => d.t(`ssh admin@${pick(["192.0.2", "198.51.100", "203.0.113"])}.${int(1, 254)}`),
  ],
  [
    "documentation values",
    (d) => d.t(`https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX`),
  ],
  ["non-personal addresses", (d) => d.t(`nameserver ${nonPersonalIPv4()}`)],
  ["non-personal addresses", (d) => d.t(`ssh deploy@${nonPersonalIPv4()} -p 22`)],
  ["non-personal addresses", (d) => d.t(`inet ${nonPersonalIPv4()}/24 brd ${nonPersonalIPv4()}`)],
  [
    "non-personal addresses",
    (d) => d.t(`inet6 fe80::${hex(4)}:${hex(4)}:${hex(4)}:${hex(4)}/64 scope link`),
  ],
  ["credential-like", (d) => d.t(`postgres://user:<password>@localhost:5432/app`)],
  ["credential-like", (d) => d.t("DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app")],
  ["credential-like", (d) => d.t(`WWW-Authenticate: Basic realm="${f.word.noun()}"`)],
  ["credential-like", (d) => d.t(`Basic information about ${f.word.noun()}`)],
  ["credential-like", (d) => d.t(`signature ${fromChars(BASE64, 86)}==`)],
  ["credential-like", (d) => d.t(`secret_key = "${awsSecretKey()}" # no access key in this file`)],
  ["phone-like", (d) => d.t(`Datum ${int(1, 28)}/${int(1, 12)}/${int(2020, 2030)}`)],
  ["phone-like", (d) => d.t(`PLZ ${digits(5)} ${f.location.city()}`)],
];
