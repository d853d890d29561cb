import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { clahe, claheOnLightness } from '../../src/image/clahe.js';
import { labToRgba, OPENCV_L_SCALE, rgbaToLab } from '../../src/image/color-space.js';
import { createGray8Image, createRgbaImage, type Gray8Image, type RgbaImage } from '../../src/image/rgba-image.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../../../test-results/image/', import.meta.url));

async function loadFixture(name: string): Promise<RgbaImage> {
  const { data, info } = await sharp(FIXTURES + name).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return createRgbaImage(info.width, info.height, new Uint8ClampedArray(data.buffer, data.byteOffset, data.length));
}

async function savePng(img: RgbaImage, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.width, height: img.height, channels: 4 } })
    .png()
    .toFile(RESULTS + name);
}

/** The synthetic low-contrast plane the OpenCV references below were computed from. */
function syntheticPlane(width: number, height: number): Gray8Image {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data[y * width + x] = Math.min(255, 90 + ((x * 3 + y * 2) % 40) + ((x * 7 + y * 13) % 17) + Math.floor(x / 8) * 2);
    }
  }
  return createGray8Image(width, height, data);
}

function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

function stdDev(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i] - mean) ** 2;
  return Math.sqrt(sq / values.length);
}

// Outputs of OpenCV 4.6 `cv2.createCLAHE(clipLimit, (tilesX, tilesY)).apply(plane)` on
// syntheticPlane(w, h): full bytes for two cases, FNV-1a hashes for the rest.
const OPENCV_61x47_CLIP2_8x8 =
  'JTpqRYBUiq+Vu5XC5MlGLFI0WYNamHWr18HfJVCDWIBohmSGuprOszJdPnFQg7ONvJrCm8XnLlZCZpRspVAwYEBwoYCljbPWuN8c' +
  'PmdKb053VYq9otK5NWtFek55oH2nfK+KxuItVDlnpXmqhLLVuNu/QSpPel2JZ5pFgFWPZZd1nMqqzq8wWzVcQmaYbaV/s5bM4i1c' +
  'QHCVcZh0nsyl1bw3KE58XpVvocatz7DVYDZlRXJUfa6PQHBKhbWSupPCo8rpJVAxU31jiWSay63UxDspUY9gjmiQuZHCmtFMMF1G' +
  'cVSKv5e/pMnjzVUxXoFtlnSohTNfknKjga3QvNnBPSFIc017XICxisCi0FA3aUSAUoOjirGKueDIQytXhGWdea6FtNnD3iJGdVV6' +
  'ZYu6mMR1T4NekcGexrPTWDZpQGxHd6F5q4C238lFLliRb5t3nIGp0q7cIztgTndYi8GcyKfTuzJmPHBOc6KAroi3YkVypH20kr7c' +
  'z04rYIplinKXdKDSrNoiPW5LgmCOtpTDn8umLVM0WkRrnniyi7zZzuMqWDJnjGyYdJ7CpFGDYJNwpc+12CJDeFeDX4i1kbqVyKMr' +
  'SjdjQXOogq2Lut7D5iVJMVOBYI1qnMuw08Y8cE6FXYVlj7aRuZNFbaaBtJXBqi1YO25OfqeBroqx3brnJUMyWIZlmHSky7TXuzhr' +
  'QWtKdll/sYm+n85NM2ZDfaZ+pYWqgqvLhWCVaqXUutooTjRlpXalfKfOqtqvOFw9alB4V4rBm8Ws0040ZT5ph3CScKB1s9rEQjBW' +
  'lHWheJzCocKdxXxbi72c0LEyYEV2Vo1ml7ihxaTQTTRYOWaQbqR8s4u74c1EK1aCX4NrjbyUxanTIjxsSYJij7mQvJm710lxqIK4' +
  'k8hDKVY6Z6B6q4iwl7zgxkksT3RghWSVxqTQstwiPnNMfVh+rIi1jbzlLEQ0Xz5xqICuhrTPttU+cKB9sNq+OyVNeVmOaJvCpdK2' +
  '2iBFbkhwWHuthbqXxuIsVDRoQHSbeaaFr9ay3iU+clOCYJRwnMSsy7FMbbyWzKbWHzdbRm1Me7CMupvM4zBZPGVFbJdyn3eq2Lzf' +
  'Jkt9XpFsmHSix6bLrTVWOGdCc6mCtJG7pcdYRnCzicLnJVEtVD1ijWqcfK/UxuAoUIlfhmaPbJTAmsqxL15BcVOIuZC4nsGfx0wv' +
  'TDVchWSTbqbNsNjCUD1qqtq65CBLcE51Wn1aisajz8A2ZkyFV4WjiK2Hs4rCRCpVPGilgLSIttS/375FKUlsVXhVgrqXx6fSaE2H' +
  'ZaTUtDFnQm1HdJ13q4G7lcpFMVk/dZt5m4CkzKvauj4lTnlbj26jzKjSt9ddQGdDaUx1pHuwi7/hM1tEeqSdzFIqYjhkhW6VcaDP' +
  'rtnCPytNh2GRbZLCncajzVA0V0NtT364jsCdyeQrVjdfh2WRcJx1p9K32TBQhmqY3MdIJViAXYJqjb6TyqTTSjhlQnhQhKyKupnA' +
  '5CVKLVKEYpNupH6x1MTfJE59VoJfjbiUxJzMsDVmSH1ckNhjOnFOe1d/rIiyjb/iKEMxWYpqnHilgrPUuN4gRGhKeFSDuJLFpMy9' +
  'NWFBd1N8pIuyjbrlyEIvXkNyooUoWS9omnWce6SFqdWw3iM8bk18Wo7BmcSrzrAwYDxgQm6XdKN+t9vGRS5WPW6fdp+Gq9Gy3b8/' +
  'a1aEZ5d5JVCFYJVtnbqixaHQpTNYOGVEcKiAt46+381GKlo4XX9oimaSxanWvThqUYVllnCdxKrOqtRZPGVQfK6Nv2I8cU+Croux' +
  'mrvdxkcvUDJdiGaWcqjTstzFPXBQfFZ8X4e1i8Gcz0Q1X0V1rYa2kr6gxOslUTNcjm+ffLBQMF6YcKJ8p9O02L5CaEduVH5diMGX' +
  'yqnUVjdoRXKZd6OCrYW34SY+MFKHZZ12psi21rziIEhyU4NjjrycQnJNglqRu5zJrtFZOmNAaZZ1onuvicDeJkovYJBplHKeyKXT' +
  'rNsfN2lJeVWNuZjBrs/pM2U9akx5o4CuiDVglXCjgLGSw9woTzNdhGCOapTHoNK22SNBc1OIZY62nMGey+ouTjNgQWuaeKyNuODK' +
  'SSlch2SKbpZxmr9ySYJdkcajzrrXI0Z8VHpZh6yJuo/J4ytWOWhJf7CHsJa74cVBJklwWIFeiWeaya/XwztzU4BbgK2KsYq0YDpw' +
  'qoC6lsbfL1pCdU14m4Khfq3avTonSnxklXWmga3Sut+5OmpCalB0on2visCk0lI2a0V5onWgf6PNqliKZpt2sNe+PStPg2aVbJR2' +
  'nMig1rQ1WkRyVoS9lcWizLDUVzVhPGSPcZd1pdC43SdILVyWbJdum7yYwp9OgF+PyKPStjdlRHlXhKyNuJbAmsxFLlE7ZZd1rYW2' +
  '1MPjJUosWIFejGqPwZrKr9dePHJOhl+Kq5S3krnUnHivhb+Xy0EuWDttoHijhK/XueEePidIelyIZp3EqMy83GVCeE96WIauibqM' +
  'w+QoUjNlmnilgKaNrtCxTY9uo9S13CA5Kk5+XZNwm8Krz7DdWjdjQHFTequFuZ7F4S5aN26XdZyBp4aw2L42JEp5WYxpmb6dxqXI' +
  'qkuFv5XKqthSMmVFcVCEtpC7o8npJlIvXIJqkmuZcqrWuzwpT4Nkkm6Zw6DHpM61MFtCbkp+to20lsDZw1xEgLWKxeQpTi5ahmqZ' +
  'damGtdzHOSFKflF7YoOvjbqay7EyYkV7Wou4j7yew+PKTS1UOmaScaWBr9G61zFbhXyu2b03JENsVn5gi8CbzKvXvjFpQHVJd6B/' +
  'qIGw3sQ9L1Y5aqd8rYW01LzeIURuTntdhmWVx6XJsc9uUYLHqM+2MmI7Zk10pH6zjsHcz0gsWTVrk3Ceep/Op9kmNmpLfFmRbJ/C' +
  'rM+z1mU7aENznnuwhbqXw982Y0h8wt/KSi1ZNF+NbJdzpc+y1yI/dk+KYYtqlryax5zPSzBePW6lgLCPuqPI4ytgM2KGbZNwntCs' +
  '1LpFMlqLcr7aHkF3U3pZhmSLupPHqtNUNmtEgKmFrZG2lr7iKUIuVYJhlG6jyrDZwj0nUXxcfmaIt47Dn8zhP29ThGi71GI4ckZ1' +
  'mYCngKmEvN8pSzJflHWjfqnRsNWyNyU8Zkt1UIK4lMKm0+c1bUh3U3ejgKqAtN3DSTllmn6z5CpaNWqYbpR6nMOfz6o4I0J0Uopq' +
  'm8efyq7S6TVbOV5CbJZzpYW73c9HMWSadJlxmnibzKXZJj9yXo91tTglRoJbjGONtpW8l8XiMk48aEZ6tou8lMHdykgyU3xahmaO' +
  'a5nNsNgkP3VYi2iPrZS5lMKbzlM7bFSCuJwzYTtxSX+mhLGNsdi6Qi5IeluMaZ95rs672SZDdUx3UoCph7aNwqPRVDlrSoCnhKeO' +
  'sdi24ShONWOTc6mIKlKKYppynHyqy6vQID1eQnBOfbONvp3Gs9FaPHBIcZV9oYCs17beKU0zYJJynXuiy6nSrjhhRWxahGiXwGlB' +
  'fFOMupS7oMOoy1M2VTtmkGyherDSvtosTzhlkGuQeJnBoM2vNFpHc1WEZ5O3l8CjyuQxXEFnlXqmiLVZOG6hfqyKt9S/1y5NMlJ2' +
  'XoNejsKhzLQ4Y0p8XYtmjbSWt5bB4jJUQmmXe7CIsZK62sJMKVaBX4ptmsWqSoValXCizKzPuzhkSnNMb1V4o321j8baMlhEc6qF' +
  'rYiwkrLatUkwT3hii2+fxq3OtdYoRXVTeliCqIm5mkB6UIrFmMegyt00X0BphmiQcJp0pdO9OjBQiWqlfKO+qsWo0CVEZEp1V4K3' +
  'lcGjwdzQWjtqSXGPfKN/rso=';
const OPENCV_50x40_CLIP4_4x3 =
  'LUBfSWlTc5aGqJS218RfSnNcgKSNrZGw1r3YPVl4XnxqinWXuaTHslV3X4RtkbWcxq5QOVpDY4Rtj3+ixbDSPFl8bJF5nYamxqrQ' +
  'tk1tUnJXd5uDppC0ncHgTnBafKGKrpW/4klpU3NcfWaIsZu+qUdoUnVmiq6WuZ+/o8niR2ZMa4lwlH6fwa3PulZIaY11moOnyrjb' +
  'Q2NMbY53l4KrlLjXQGJMbpmDqI+y0rjXwllCX39kg2mNr5i8pslmT3hihm6Tt6DDsdQ+XH1mh3CQs6TGsU49W39nknyhxavLsdBt' +
  'U3JZeF18moiokrXVwl9KcpV/o4ywmbzmzW1Vd1+BoYusncFeSWpUd2CLr5q+pMTiymZMa4txkHWUgKHErtA7WHxrjnicwanNtd/G' +
  'ZlBwkHqahKXLuldDY4ZwlYSok7fZvdxCYIBkhGqJp42ym72oRmdSdGSIrJa6osbp2PRfgWmLc5W1n8c0UHNcgGmOuaHFsNO2TWxZ' +
  'eV59nIKhhqvLttZAYExumIGljrPXv+LRaFp6moSkjq6YQF9KbFZ4m4awmb3hyeVGZFFxkHaUfJq3pcSwT3FafWeReZ7CrNC423hh' +
  'i3OVfZ6/qMg5WERkiHCUfqjMtNjAVnZbgmmIbo2tkrKevl1IalN2mYqul7ukyerUcVuFbo6vmLiiQWhTdF6AaYyvoMOsz2dOblR7' +
  'moGgh6WNq825V0FjhW+Sg6fKtNjC5Ulqjn6fiKmRs1E6YUttkHmchKeYu93GX0dmhnKSeZi4nr6jxzJQclx+aIu2oMOt0e9UdWOG' +
  'eJiCosKsSjZcfWaIcpS2n8iz1T1Xd15+aouqkrCXttE/YElsVXmbha+ZveDK7E9umH+pkbObvS1EZVV2X4CjjK+XwN1GZ05uVnac' +
  'g6KJqcivzTpZemWHcpR+qMu22cNcf2eReKKMrMo2VD5eTW+RepuFp8i42D5fgGeHbpV7m7uiwahFalJ1XoGkjrGhxa/TbFV4YIqt' +
  'nL6mxjFNb1d/aIlzlLafwbBMbVZ3Xn6fjKyTs5q5VT1jTW6Qep2HqtS+4MxlT3CUg6aWt6A/XkhoUnmZg6SNrpi5XEVmTnCPdpaE' +
  'pcSsyrNPN1x+Z4pzlrmjzrfadV6CaY18n4+wTThXQWGDcpJ8nL6mx7BUPl1+Z4dujrWdvKTDX0hnVndhgqWPspzG5ExuV3ufhrCY' +
  'wapIM1JyXHxrja2Wt5/AXUttVXZef5+HrZW10jpZQWGIcJJ7n4iszr/gRmaLdJd+qMu6WEJiTGxVdZyGpY6vzTZVRGWFbo52ln6l' +
  'xa3MNVFxWX9qi66YuqXIuVR3YIRtkLOhxDRTO1x9Zodwln6fv6jHMU51XX5lhqaPrp2+pUNjSmtSeJuEp5G11sJjTXBZfKCJrJq9' +
  'LkxsVXZff6GPr5i3oT9dRmxWdZV+nYamzLZTPFtFZINzlH+gw67QulyAaY11mYKlz7ZeR2hQcpJ8nIqsybRROVlCZ4lwkXmauqPJ' +
  'sU1uVndegG6Pspu+p8pmVXhihamRtJzGrVlCY4NtjXeXvqfGr0xrVHRkhG2MrJW1nsRhSmlScpJ7oYuslrjXQF9OcZR9oIirzr3e' +
  'VHZegGiKq5S7osRfR2dPcJd+oIepkLHRPVtEZIVtjnWcvqfJstM8WIFqjHWYu6LFtNZQcZJ7nIWmj7bTPFpDYoJrknqbu6TErMw5' +
  'V3dggGiIqZi5osTdSWlSe2KFp5CymrzizoRsjnaYuaLDsdE4VXZdfmaNr5a3n8DaQ2lSclp7nIOlk7TUvllDY4VzlX2fh6nMs9rF' +
  'f2iJq5O1nb/cSGhQcVl5momqkrLTu1ZAZYZuj3aXf6DIsNC5VHVcfmyOr5e5ocOr0256nISmjrDSu1pDY4VsjnSWhKXHrc+2UHJg' +
  'gWmKq5K0m8Ory2VOblZ3n4eoj7DRutlFZXWYgKLErM22Vndff2eIqpG5ocKpymRMbVp8nYWmjq/Qv91CYEloiXGYf6HBqcix0nRc' +
  'q5K1ncCnymNRcll6nISljLTVvd5BXkhnkHeYgKHDqsy62HNae2KCapGxmbmgwNtFbFSmjrDSu9w/XUxtj3aXf6DCsNG52nJZe2OL' +
  'cpS1nb6lx+VOblR1lXydiquRsdC4Uz5jhaHEq8622XFYgWiKcZK0m72rzOVNbVR2mIaojrCYudrCYEtoiW+Pdpa8o8KpyK9Ka1x8' +
  'nb+nyeZKbFN8noWnja+XueDIX0poinGTgaPFq8211r1bfWODaYmpj7acu9bBW0NkU3SYu97FXEdnineZgKLEqsy03MNafGOFa422' +
  'nsCmyOTSaFZ3XX2dg6KIrsyzzzdTclyDbM622cBXemKFcpS2nb+myObYblR2XoCiiLKZu93D4khjjHKSd5h8nLunxqvJZUpqU3qc' +
  'x+fSaVBzW36nja+WuNrB4klniW+SeZuBq8201rzedVyFa4urkbCVtKHA10FeRmOEdJXA40VihWyPd6CGqMqx1LrceWCCaIutlLak' +
  'xq3P6k9uVn6ghKSKqsiu0bhSOld1XH5tjrncc1t+ZYirmbuhw6rM60xyWXudhKaNr9m/4MheS2eJd5l9nb2jwqfL3k1qUW5Xd56I' +
  '6kpsVHeagaSStNa83sZcR2uNdJZ9n8Go0rja7Vh6YIJwkrKWtpy72MZeR2OCZ4hwl4E=';
const OPENCV_HASHES = [
  { width: 64, height: 64, clipLimit: 2, tilesX: 8, tilesY: 8, hash: 0x5f534ad4 },
  { width: 64, height: 37, clipLimit: 1, tilesX: 8, tilesY: 8, hash: 0x7825f3fb },
  { width: 30, height: 30, clipLimit: 0, tilesX: 2, tilesY: 2, hash: 0x73ec67b5 },
];

describe('clahe (OpenCV semantics)', () => {
  it.each([
    { width: 61, height: 47, clipLimit: 2, tilesX: 8, tilesY: 8, expected: OPENCV_61x47_CLIP2_8x8 },
    { width: 50, height: 40, clipLimit: 4, tilesX: 4, tilesY: 3, expected: OPENCV_50x40_CLIP4_4x3 },
  ])('matches cv::CLAHE exactly on $width×$height, clip $clipLimit, $tilesX×$tilesY tiles', ({ width, height, clipLimit, tilesX, tilesY, expected }) => {
    const out = clahe(syntheticPlane(width, height), { clipLimit, tilesX, tilesY });
    const reference = new Uint8Array(Buffer.from(expected, 'base64'));
    let differing = 0;
    for (let i = 0; i < reference.length; i++) if (reference[i] !== out.data[i]) differing++;
    expect(differing).toBe(0);
  });

  it.each(OPENCV_HASHES)('matches cv::CLAHE exactly on $width×$height, clip $clipLimit, $tilesX×$tilesY tiles (hash)', ({ width, height, clipLimit, tilesX, tilesY, hash }) => {
    expect(fnv1a(clahe(syntheticPlane(width, height), { clipLimit, tilesX, tilesY }).data)).toBe(hash);
  });

  it('defaults to clip limit 2 on an 8×8 grid', () => {
    const plane = syntheticPlane(64, 64);
    expect(clahe(plane).data).toEqual(clahe(plane, { clipLimit: 2, tilesX: 8, tilesY: 8 }).data);
  });

  it('with one tile and no clipping it is plain histogram equalisation', () => {
    const plane = syntheticPlane(40, 30);
    const hist = new Array<number>(256).fill(0);
    for (const v of plane.data) hist[v]++;
    const lut: number[] = [];
    let sum = 0;
    const scale = Math.fround(255 / plane.data.length);
    for (let i = 0; i < 256; i++) {
      sum += hist[i];
      lut.push(Math.round(Math.fround(sum * scale)));
    }
    const out = clahe(plane, { clipLimit: 0, tilesX: 1, tilesY: 1 });
    let differing = 0;
    for (let i = 0; i < plane.data.length; i++) if (out.data[i] !== lut[plane.data[i]]) differing++;
    expect(differing).toBe(0);
  });

  it('keeps a flat plane flat', () => {
    const plane = createGray8Image(57, 43, new Uint8Array(57 * 43).fill(120));
    const out = clahe(plane);
    expect(new Set(out.data).size).toBe(1);
  });

  it('validates its arguments', () => {
    const plane = syntheticPlane(16, 16);
    expect(() => clahe(plane, { tilesX: 0 })).toThrow(new RangeError('Expected positive integer for options.tilesX but received 0'));
    expect(() => clahe(plane, { clipLimit: -1 })).toThrow(RangeError);
    expect(() => clahe({ width: 2, height: 2, data: new Float32Array(4) } as never)).toThrow(TypeError);
    expect(() => clahe(plane, 'x' as never)).toThrow(TypeError);
  });
});

describe('claheOnLightness', () => {
  let portrait: RgbaImage;
  beforeAll(async () => {
    portrait = await loadFixture('portrait-3.jpg');
  });

  it('raises the contrast of a low-contrast real photo', async () => {
    // Squash the photo into a narrow, dull range: 110 + 0.3·v.
    const dull = createRgbaImage(portrait.width, portrait.height);
    for (let i = 0; i < dull.data.length; i += 4) {
      for (let c = 0; c < 3; c++) dull.data[i + c] = 110 + 0.3 * portrait.data[i + c];
      dull.data[i + 3] = 255;
    }
    const out = claheOnLightness(dull);
    const before = stdDev(rgbaToLab(dull).L);
    const after = stdDev(rgbaToLab(out).L);
    expect(after).toBeGreaterThan(before * 1.5);
    await savePng(dull, 'clahe-before.png');
    await savePng(out, 'clahe-after.png');
    await savePng(claheOnLightness(portrait), 'clahe-original-photo.png');
  });

  it('keeps a flat image flat and neutral', () => {
    const flat = createRgbaImage(50, 40);
    for (let i = 0; i < flat.data.length; i += 4) flat.data.set([128, 128, 128, 255], i);
    const out = claheOnLightness(flat);
    const first = Array.from(out.data.subarray(0, 4));
    let different = 0;
    for (let i = 0; i < out.data.length; i += 4) for (let c = 0; c < 4; c++) if (out.data[i + c] !== first[c]) different++;
    expect(different).toBe(0);
    expect(first[0]).toBe(first[1]);
    expect(first[1]).toBe(first[2]);
  });

  it('changes lightness only: hue is kept and alpha is copied', () => {
    const img = createRgbaImage(portrait.width, portrait.height, new Uint8ClampedArray(portrait.data));
    for (let i = 3; i < img.data.length; i += 4) img.data[i] = (i >> 2) % 256;
    const out = claheOnLightness(img);
    let alphaChanged = 0;
    for (let i = 3; i < img.data.length; i += 4) if (out.data[i] !== img.data[i]) alphaChanged++;
    expect(alphaChanged).toBe(0);
    const a = rgbaToLab(img);
    const b = rgbaToLab(out);
    // a*, b* survive up to the gamut clamp and 8-bit rounding of the result.
    let close = 0;
    for (let p = 0; p < a.a.length; p++) if (Math.abs(a.a[p] - b.a[p]) < 3 && Math.abs(a.b[p] - b.b[p]) < 3) close++;
    expect(close / a.a.length).toBeGreaterThan(0.95);
  });

  it('is the plain Lab round trip bit for bit (its colour caches only skip recomputing)', () => {
    // The photo (repeated colours, cache hits) and noise (many colours, slots overwritten).
    const noisy = createRgbaImage(300, 200);
    let seed = 7;
    for (let i = 0; i < noisy.data.length; i++) noisy.data[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (const img of [portrait, noisy]) {
      const lab = rgbaToLab(img);
      const L8 = createGray8Image(img.width, img.height);
      for (let p = 0; p < L8.data.length; p++) L8.data[p] = Math.min(255, Math.max(0, Math.round(lab.L[p] * OPENCV_L_SCALE)));
      const after = clahe(L8, { clipLimit: 1.5 });
      for (let p = 0; p < L8.data.length; p++) lab.L[p] += (after.data[p] - L8.data[p]) / OPENCV_L_SCALE;
      const expected = labToRgba(lab, img);
      expect(Buffer.from(claheOnLightness(img, { clipLimit: 1.5 }).data).equals(Buffer.from(expected.data))).toBe(true);
    }
  });

  it('does not modify its input', () => {
    const copy = new Uint8ClampedArray(portrait.data);
    claheOnLightness(portrait, { clipLimit: 3 });
    expect(Buffer.compare(Buffer.from(portrait.data.buffer, portrait.data.byteOffset, portrait.data.length), Buffer.from(copy.buffer))).toBe(0);
  });
});
