/**
 * GPT-2's byte→unicode table (`bytes_to_unicode` of openai/gpt-2's encoder.py, also Hugging Face's
 * ByteLevel): printable Latin-1 bytes stand for themselves and the other 68 bytes are shifted to
 * U+0100…, so that every byte is one visible character and a space becomes "Ġ". The tokenizer.json
 * a ByteLevel decoder reads spells its vocabulary in these characters.
 */
export const BYTE_TO_UNICODE: readonly string[] = (() => {
  const table = new Array<string>(256);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCodePoint(printable ? b : 256 + shifted++);
  }
  return table;
})();
