package io.overlay4j;

import io.overlay4j.testing.Processes;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tomcat 9, embedded, deploying and undeploying a web application that uses overlay4j three
 * times: every web application class loader must be collected afterwards.
 */
class RedeployIT {
    @TempDir
    Path tmp;

    @Test
    void threeRedeploysInTomcatLeaveNoWebappBehind() throws Exception {
        Path webapp = webapp();
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(tmp.resolve("base").toString());
        tomcat.start();
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                loaders.add(deployAndUndeploy(tomcat, webapp, "/app" + i));
            }
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
        for (int i = 0; i < 100 && loaders.stream().anyMatch(r -> r.get() != null); i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(0, loaders.stream().filter(r -> r.get() != null).count(),
                "web application class loaders still reachable after 3 redeploys");
    }

    private static WeakReference<ClassLoader> deployAndUndeploy(Tomcat tomcat, Path webapp, String path) {
        Context context = tomcat.addWebapp(path, webapp.toString());
        assertEquals("true true", context.getServletContext().getAttribute("overlay4j"),
                "the web application used overlay4j's shim");
        WeakReference<ClassLoader> loader = new WeakReference<>(context.getLoader().getClassLoader());
        tomcat.getHost().removeChild(context);
        return loader;
    }

    /** WEB-INF/lib/overlay4j.jar and a listener that loads the shim and has it throw. */
    private Path webapp() throws Exception {
        Path webapp = tmp.resolve("webapp");
        Path lib = Files.createDirectories(webapp.resolve("WEB-INF/lib"));
        Files.copy(JarAloneIT.jar(), lib.resolve("overlay4j.jar"));
        Path src = Files.createDirectories(tmp.resolve("src/app"));
        Files.write(src.resolve("Listener.java"), ("package app;\n"
                + "import io.overlay4j.Mounts;\n"
                + "import java.nio.file.*;\n"
                + "import javax.servlet.*;\n"
                + "public class Listener implements ServletContextListener {\n"
                + "  public void contextInitialized(ServletContextEvent e) {\n"
                + "    boolean thrown = false;\n"
                + "    try { Mounts.isMountPoint(Paths.get(\"/nonexistent/overlay4j\")); }\n"
                + "    catch (NoSuchFileException expected) { thrown = true; }\n"
                + "    catch (java.io.IOException other) { throw new RuntimeException(other); }\n"
                + "    try { e.getServletContext().setAttribute(\"overlay4j\", Mounts.isMountPoint(Paths.get(\"/\")) + \" \" + thrown); }\n"
                + "    catch (java.io.IOException other) { throw new RuntimeException(other); }\n"
                + "  }\n"
                + "  public void contextDestroyed(ServletContextEvent e) { }\n"
                + "}\n").getBytes(StandardCharsets.UTF_8));
        Path classes = Files.createDirectories(webapp.resolve("WEB-INF/classes"));
        Path jdk = Paths.get(System.getProperty("build.java.home", System.getProperty("java.home")));
        Processes.succeed(jdk.resolve("bin/javac").toString(), "--release", "8", "-d", classes.toString(), "-cp",
                lib.resolve("overlay4j.jar") + ":" + Tomcat.class.getProtectionDomain().getCodeSource().getLocation()
                        .getPath(), src.resolve("Listener.java").toString());
        Files.write(webapp.resolve("WEB-INF/web.xml"), ("<web-app xmlns=\"http://xmlns.jcp.org/xml/ns/javaee\" "
                + "version=\"4.0\"><listener><listener-class>app.Listener</listener-class></listener></web-app>\n")
                .getBytes(StandardCharsets.UTF_8));
        return webapp;
    }
}
