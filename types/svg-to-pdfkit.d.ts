// svg-to-pdfkit ships no types; the one function FIS uses.
declare module 'svg-to-pdfkit' {
  interface Options {
    width?: number;
    height?: number;
    preserveAspectRatio?: string;
    assumePt?: boolean;
    fontCallback?: (family: string, bold: boolean, italic: boolean) => string;
  }
  export default function SVGtoPDF(doc: unknown, svg: string, x: number, y: number, options?: Options): void;
}
