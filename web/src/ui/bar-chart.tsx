import { makeStyles, tokens, typographyStyles } from "@fluentui/react-components";
import { useLayout } from "./layout";

const useStyles = makeStyles({
  figure: { margin: 0 },
  caption: { ...typographyStyles.subtitle2, textAlign: "left", paddingBottom: tokens.spacingVerticalXS },
  table: { borderCollapse: "collapse", width: "100%" },
  label: { textAlign: "left", fontWeight: tokens.fontWeightRegular, padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalS} ${tokens.spacingVerticalXXS} 0`, verticalAlign: "top" },
  valueCell: { width: "55%", padding: `${tokens.spacingVerticalXXS} 0` },
  track: { display: "flex", alignItems: "center", columnGap: tokens.spacingHorizontalS },
  // A border as well as a fill, so a bar still shows where a high-contrast mode drops background colours.
  bar: { height: "0.9rem", backgroundColor: tokens.colorBrandBackground, border: `${tokens.strokeWidthThin} solid ${tokens.colorBrandStroke1}`, boxSizing: "border-box", minWidth: "2px" },
});

export interface Bar {
  label: string;
  value: number;
}

/**
 * A bar chart that is also its own text equivalent: a table of labels and numbers, with each number's bar drawn
 * beside it for sighted readers (and hidden from screen readers, which read the number).
 */
export function BarChart({ title, unit, bars }: { title: string; unit: string; bars: readonly Bar[] }) {
  const styles = useStyles();
  const layout = useLayout();
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  return (
    <figure className={styles.figure}>
      <table className={styles.table}>
        <caption className={styles.caption}>{title}</caption>
        <thead className={layout.visuallyHidden}>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">{unit}</th>
          </tr>
        </thead>
        <tbody>
          {bars.map((bar) => (
            <tr key={bar.label}>
              <th scope="row" className={styles.label}>
                {bar.label}
              </th>
              <td className={styles.valueCell}>
                <span className={styles.track}>
                  <span className={styles.bar} style={{ width: `${(bar.value / max) * 80}%` }} aria-hidden="true" />
                  <span>{bar.value}</span>
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
