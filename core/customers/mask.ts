// Masking for exports of personal data (PIPL): an export shows enough to recognise a
// customer and the area they live in, not enough to call or visit them.

/**
 * '13812345678' -> '138****5678' (mobile length and longer: first 3 and last 4 stay); shorter
 * numbers keep only their first and last digit, so at least half of them is always hidden.
 */
export function maskPhone(phone: string): string;
export function maskPhone(phone: string | null | undefined): string | null;
export function maskPhone(phone: string | null | undefined): string | null {
  if (phone == null) return null;
  const chars = Array.from(phone);
  if (chars.length >= 11) {
    return `${chars.slice(0, 3).join('')}${'*'.repeat(chars.length - 7)}${chars.slice(-4).join('')}`;
  }
  if (chars.length <= 2) return '*'.repeat(chars.length);
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

// Province, then city, then district/county, each optional but in that order. Segments are
// short and hold no digits, so a house number or street never passes for a region.
const REGION_PREFIX =
  /^\s*(?:[^\d\s,，]{1,9}?(?:省|自治区|特别行政区))?\s*(?:[^\d\s,，]{1,9}?(?:市|自治州|地区|盟))?\s*(?:[^\d\s,，]{1,9}?(?:区|县|旗|市))?/u;

const MASK = '****';

/**
 * Keeps the region at the start of an address (up to the district, or the city when there is
 * no district) and hides the rest: '浙江省杭州市西湖区文三路100号' -> '浙江省杭州市西湖区****'.
 * With no recognisable region, only the first two characters stay.
 */
export function maskAddress(text: string): string;
export function maskAddress(text: string | null | undefined): string | null;
export function maskAddress(text: string | null | undefined): string | null {
  if (text == null) return null;
  const region = REGION_PREFIX.exec(text)?.[0] ?? '';
  const rest = text.slice(region.length);
  if (region.trim() !== '') return rest.trim() === '' ? text : `${region.trim()}${MASK}`;
  const chars = Array.from(text.trim());
  if (chars.length === 0) return text;
  return `${chars.slice(0, Math.min(2, chars.length - 1)).join('')}${MASK}`;
}
