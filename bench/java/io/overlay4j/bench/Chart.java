package io.overlay4j.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** A horizontal bar chart of each contender's ratio to the floor, on a log scale. */
final class Chart {
    static final class Bar {
        final String group;
        final String label;
        final double ratio;

        Bar(String group, String label, double ratio) {
            this.group = group;
            this.label = label;
            this.ratio = ratio;
        }
    }

    private Chart() {
    }

    static void write(List<Bar> bars, String title, File out) throws IOException {
        int rowH = 18;
        int left = 330;
        int width = 1000;
        int top = 50;
        int groups = (int) bars.stream().map(b -> b.group).distinct().count();
        int height = top + bars.size() * rowH + groups * 22 + 40;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, 10, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

        double maxRatio = Math.max(2, bars.stream().mapToDouble(b -> b.ratio).max().orElse(2));
        double scale = (width - left - 80) / Math.log10(maxRatio * 1.2);
        int x0 = left;
        int y = top;
        String group = null;
        for (Bar b : bars) {
            if (!b.group.equals(group)) {
                group = b.group;
                y += 6;
                g.setColor(Color.DARK_GRAY);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
                g.drawString(group, 10, y + 12);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                y += 16;
            }
            int w = (int) Math.max(2, Math.log10(Math.max(1.0, b.ratio) * 1.0) * scale + 2);
            g.setColor(b.label.startsWith("floor") ? new Color(0x999999)
                    : b.label.startsWith("overlay4j") ? new Color(0x2b6cb0) : new Color(0xdd6b20));
            g.fillRect(x0, y + 3, w, rowH - 5);
            g.setColor(Color.BLACK);
            g.drawString(b.label, 20, y + rowH - 4);
            g.drawString(String.format(Locale.ROOT, "%.2fx", b.ratio), x0 + w + 6, y + rowH - 4);
            y += rowH;
        }
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1));
        g.drawLine(x0, top, x0, y);
        g.drawString("ratio of median cycle time to the floor, mount(2) in C (log scale; 1.00x = what a C program costs)",
                10, y + 24);
        g.dispose();
        ImageIO.write(img, "png", out);
    }
}
