/**
 * SMS length as carriers count it (3GPP TS 23.038): GSM-7 when every character is in the GSM
 * basic set or its extension table (extension characters take two septets), otherwise UCS-2,
 * counted in UTF-16 code units. One message holds 160 septets or 70 units; a longer text is split
 * into parts of 153 or 67, the rest going to the concatenation header (UDH).
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '^{}\\[~]|€\f';

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsCount {
  encoding: SmsEncoding;
  /** Characters as the user sees them (code points). */
  chars: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes. */
  units: number;
  segments: number;
}

/** How a text will be sent: its encoding and how many message parts it takes (0 for an empty text). */
export function countSms(text: string): SmsCount {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (BASIC.has(ch)) septets += 1;
    else if (EXTENSION.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  const chars = [...text].length;
  if (gsm) return { encoding: 'GSM-7', chars, units: septets, segments: septets === 0 ? 0 : septets <= 160 ? 1 : Math.ceil(septets / 153) };
  const units = text.length;
  return { encoding: 'UCS-2', chars, units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}
