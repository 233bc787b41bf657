import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/** The ticket code as a QR code an inspector can scan (an SVG image; no canvas needed). */
export function TicketQr({ code, label }: { code: string; label: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toString(code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then(
      (svg) => live && setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`),
      () => live && setSrc(null),
    );
    return () => {
      live = false;
    };
  }, [code]);
  return src ? (
    <img className="ticket-qr" src={src} alt={label} width={220} height={220} data-ticket-code={code} />
  ) : (
    <div className="ticket-qr placeholder" role="img" aria-label={`${label} (loading)`} />
  );
}
