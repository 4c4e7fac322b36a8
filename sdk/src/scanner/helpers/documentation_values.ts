/**
 * The one policy for documentation and test values: a value that a standard reserves for
 * documentation, or that its issuer publishes as an example or test value, names no one and is
 * not reported. Only published lists and reserved ranges count, never a guess from the digits;
 * docs/sdk-scanner.md ("Documentation and test values") cites each source. IP documentation
 * ranges (RFC 5737, RFC 3849, RFC 9637) are in ip_parse.ts with the other special ranges;
 * AWS's example keys in detectors/aws_key.ts.
 */

/**
 * Card numbers that processors publish for testing: Stripe ("Testing", docs.stripe.com/testing),
 * Braintree ("Testing and going live"), Adyen ("Test card numbers"), PayPal Payflow ("Testing
 * credit card transactions") and Worldpay. Luhn-valid, so without this list they are reported.
 */
const TEST_CARDS = new Set(
  (
    "4242424242424242 4000056655665556 5555555555554444 2223003122003222 5200828282828210 " +
    "5105105105105100 378282246310005 371449635398431 6011111111111117 6011000990139424 " +
    "6011981111111113 3056930009020004 36227206271667 6555900000604105 3566002020360505 " +
    "6200000000000005 4111111111111111 4005519200000004 4009348888881881 4012000033330026 " +
    "4012000077777777 4012888888881881 4217651111111119 4500600000000061 3530111333300000 " +
    "4444333322221111 5454545454545454 4222222222222 378734493671000 30569309025904 " +
    "38520000023237 4000000000000002 4000000000009995 4000000000000077 4000002500003155 " +
    "4000000760000002 4000001240000000 4000004840008001 4000000000003220 4917610000000000 " +
    "5500000000000004 5424000000000015 2222400010000008 6759649826438453 4001919257537193 " +
    "4263982640269299 4917484589897107 4007702835532454"
  ).split(" "),
);

/** Whether a card number (digits only) is a published test number. */
export function isTestCard(digits: string): boolean {
  return TEST_CARDS.has(digits);
}

/**
 * The example IBAN of each country in the SWIFT IBAN registry (ISO 13616), which banks' and
 * libraries' documentation copies (DE89 3704 0044 0532 0130 00, GB29 NWBK 6016 1331 9268 19).
 */
const EXAMPLE_IBANS = new Set(
  (
    "AD1200012030200359100100 AE070331234567890123456 AL47212110090000000235698741 " +
    "AT611904300234573201 AZ21NABZ00000000137010001944 BA391290079401028494 " +
    "BE68539007547034 BG80BNBG96611020345678 BH67BMAG00001299123456 " +
    "BR1800360305000010009795493C1 BY13NBRB3600900000002Z00AB00 CH9300762011623852957 " +
    "CR05015202001026284066 CY17002001280000001200527600 CZ6508000000192000145399 " +
    "DE89370400440532013000 DK5000400440116243 DO28BAGR00000001212453611324 " +
    "EE382200221020145685 EG380019000500000000263180002 ES9121000418450200051332 " +
    "FI2112345600000785 FO6264600001631634 FR1420041010050500013M02606 " +
    "GB29NWBK60161331926819 GE29NB0000000101904917 GI75NWBK000000007099453 " +
    "GL8964710001000206 GR1601101250000000012300695 GT82TRAJ01020000001210029690 " +
    "HR1210010051863000160 HU42117730161111101800000000 IE29AIBK93115212345678 " +
    "IL620108000000099999999 IQ98NBIQ850123456789012 IS140159260076545510730339 " +
    "IT60X0542811101000000123456 JO94CBJO0010000000000131000302 " +
    "KW81CBKU0000000000001234560101 KZ86125KZT5004100100 LB62099900000001001901229114 " +
    "LC55HEMM000100010012001200023015 LI21088100002324013AA LT121000011101001000 " +
    "LU280019400644750000 LV80BANK0000435195001 MC5811222000010123456789030 " +
    "MD24AG000225100013104168 ME25505000012345678951 MK07250120000058984 " +
    "MR1300020001010000123456753 MT84MALT011000012345MTLCAST001S " +
    "MU17BOMM0101101030300200000MUR NL91ABNA0417164300 NO9386011117947 " +
    "PK36SCBL0000001123456702 PL61109010140000071219812874 PS92PALS000000000400123456702 " +
    "PT50000201231234567890154 QA58DOHB00001234567890ABCDEFG RO49AAAA1B31007593840000 " +
    "RS35260005601001611379 SA0380000000608010167519 SC18SSCB11010000000000001497USD " +
    "SE4550000000058398257466 SI56263300012039086 SK3112000000198742637541 " +
    "SM86U0322509800000000270100 ST68000100010051845310112 SV62CENR00000000000000700025 " +
    "TL380080012345678910157 TN5910006035183598478831 TR330006100519786457841326 " +
    "UA213223130000026007233566001 VA59001123000012345678 VG96VPVG0000012345678901 " +
    "XK051212012345678906"
  ).split(" "),
);

/** Whether an IBAN (uppercase, without spaces) is its country's registry example. */
export function isExampleIban(iban: string): boolean {
  return EXAMPLE_IBANS.has(iban);
}

/**
 * UK numbers Ofcom reserves for TV, radio and film ("Telephone numbers for drama purposes"):
 * the national significant number starts with one of these and has ten digits.
 */
const OFCOM_DRAMA =
  /^(?:11[3-8]4960|1214960|1314960|1414960|1514960|1614960|1914980|2079460|2920180|2896496|1632960|7700900|8081570|9098790|3069990)\d{3}$/;
/**
 * Australian numbers ACMA reserves for fiction ("Phone numbers for use in TV, film and
 * radio"): landlines (0x) 5550 xxxx and (0x) 7010 xxxx, as national significant numbers.
 */
const ACMA_FICTION = /^[2378](?:5550|7010)\d{4}$/;

/**
 * Whether a phone number is in a range reserved for fiction and documentation: NANP
 * 555-0100 to 555-0199 (NANPA), Ofcom's drama numbers, ACMA's fictitious numbers. `digits`
 * are the number's digits as written; `plus` says it was written with "+".
 */
export function isFictionalPhone(digits: string, plus: boolean): boolean {
  const international = plus ? digits : digits.startsWith("00") ? digits.slice(2) : "";
  if (international) {
    // "+44 (0) 20…": a trunk zero kept after the country code.
    const national = (code: string) => international.slice(code.length).replace(/^0/, "");
    if (international.startsWith("1")) return nanpFictional(international.slice(1));
    if (international.startsWith("44")) return OFCOM_DRAMA.test(national("44"));
    if (international.startsWith("61")) return ACMA_FICTION.test(national("61"));
    return false;
  }
  if (digits.startsWith("0")) {
    const national = digits.slice(1);
    return OFCOM_DRAMA.test(national) || ACMA_FICTION.test(national);
  }
  return nanpFictional(digits.length === 11 && digits[0] === "1" ? digits.slice(1) : digits);
}

/** (NPA) 555-01XX, the NANP's numbers for fictional use, with or without the area code. */
function nanpFictional(digits: string): boolean {
  if (digits.length === 7) return digits.startsWith("55501");
  return digits.length === 10 && digits.slice(3, 8) === "55501";
}

/**
 * Domains reserved for documentation and testing (RFC 2606, RFC 6761): example.com,
 * example.net, example.org and their subdomains, and the .example, .test, .invalid and
 * .localhost top-level domains. No one receives mail there.
 */
export function isReservedDomain(domain: string): boolean {
  const lower = domain.toLowerCase();
  return /(?:^|\.)example\.(?:com|net|org)$/.test(lower) ||
    /\.(?:example|test|invalid|localhost)$/.test(lower);
}
