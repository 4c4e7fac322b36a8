import assert from "node:assert/strict";
import { cardNetwork } from "../../sdk/src/scanner/detectors/payment_card.ts";
import { foundAs } from "./scanner_support.ts";

Deno.test("card: Luhn-valid numbers of known networks, bare or grouped by spaces or dashes", () => {
  for (
    const card of [
      "4532015112830366",
      "4532 0151 1283 0366",
      "4532-0151-1283-0366",
      "5299 1234 5678 9014",
      "2223 0031 2200 3214",
      "3782 822463 10013",
      "6011 9876 5432 1019",
      "3530 1113 3339 8764",
      "3056 930902 5912",
      "6212 3456 7890 1232",
    ]
  ) {
    assert.deepEqual(foundAs("PII_CREDIT_CARD", `card ${card} exp 12/27`), [card], card);
  }
});

Deno.test("card: cards listed back to back are found one by one", () => {
  assert.equal(foundAs("PII_CREDIT_CARD", "4532 0151 1283 0366 ".repeat(20)).length, 20);
});

Deno.test("card: network prefixes and lengths", () => {
  assert.equal(cardNetwork("4111111111111111"), "visa");
  assert.equal(cardNetwork("5555555555554444"), "mastercard");
  assert.equal(cardNetwork("2720990000000007"), "mastercard");
  assert.equal(cardNetwork("378282246310005"), "amex");
  assert.equal(cardNetwork("37828224631000"), null, "amex is 15 digits");
  assert.equal(cardNetwork("6011111111111117"), "discover");
  assert.equal(cardNetwork("3530111333300000"), "jcb");
  assert.equal(cardNetwork("1234567812345670"), null);
  assert.equal(cardNetwork("9111111111111111"), null);
});

Deno.test("card: hard negatives are not card numbers", () => {
  for (
    const text of [
      "card 4532 0151 1283 0367",
      "Order #4532015112830366 shipped",
      "Transaction 4532015112830366 settled",
      "tracking 4532-0151-1283-0366",
      "4532 01511 2830 366",
      "4532-0151 1283-0366",
      "epoch 1700000000000 ms",
      "id 4532015112830366x",
    ]
  ) {
    assert.deepEqual(foundAs("PII_CREDIT_CARD", text), [], text);
  }
});
