package io.overlay4j;

import io.overlay4j.testing.MountGuard;
import io.overlay4j.testing.Processes;
import io.overlay4j.testing.Root;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Applications built the ways people build them, with Maven in a scratch directory: a shaded jar
 * that relocates overlay4j (as people do to avoid version clashes), whose shim then binds its
 * natives to the relocated classes, and Spring Boot fat jars. Each mounts an overlay.
 */
@ExtendWith(MountGuard.class)
class ConsumerAppsIT {
    /** The JDK that builds (17): Boot 3 needs it, and Maven runs on it, on a Java 8 test run too. */
    static final String JDK17 = System.getProperty("build.java.home", System.getProperty("java.home"));

    @TempDir
    Path tmp;
    Path repo;
    String version;

    /** This build's jar in a file repository of its own, for the apps to depend on. */
    @BeforeEach
    void install() throws Exception {
        Root.assume();
        String jarName = JarAloneIT.jar().getFileName().toString();
        version = jarName.substring("overlay4j-".length(), jarName.length() - ".jar".length());
        repo = tmp.resolve("repo");
        maven(tmp, "install:install-file", "-Dfile=" + JarAloneIT.jar().toAbsolutePath(), "-DgroupId=io.overlay4j",
                "-DartifactId=overlay4j", "-Dversion=" + version, "-Dpackaging=jar", "-DlocalRepositoryPath=" + repo);
    }

    @Test
    void aRelocatedShadedJarMounts() throws Exception {
        Path jar = app("8", "<plugin><artifactId>maven-shade-plugin</artifactId><version>3.6.2</version>\n"
                + "<executions><execution><phase>package</phase><goals><goal>shade</goal></goals>\n"
                + "<configuration><relocations><relocation><pattern>io.overlay4j</pattern>"
                + "<shadedPattern>shaded.o4j.io.overlay4j</shadedPattern></relocation></relocations>"
                + "</configuration></execution></executions></plugin>\n");
        assertMounts("AppClassLoader shaded.o4j.io.overlay4j.Overlay", Processes.java(), "-cp", jar.toString(),
                "app.Main");
    }

    /** A Spring Boot 2.7 fat jar (Java 8 and later): overlay4j nested in BOOT-INF/lib. */
    @Test
    void aSpringBoot27FatJarMounts() throws Exception {
        assertMounts("LaunchedURLClassLoader io.overlay4j.Overlay", Processes.java(), "-jar",
                bootApp("2.7.18", "8").toString());
    }

    /** A Spring Boot 3.5 fat jar, read through jar:nested: URLs by Boot's launcher (Java 17). */
    @Test
    void aSpringBoot35FatJarMounts() throws Exception {
        assertMounts("LaunchedClassLoader io.overlay4j.Overlay", Paths.get(JDK17, "bin", "java").toString(), "-jar",
                bootApp("3.5.7", "17").toString());
    }

    private Path bootApp(String boot, String release) throws Exception {
        return app(release, "<plugin><groupId>org.springframework.boot</groupId>"
                + "<artifactId>spring-boot-maven-plugin</artifactId><version>" + boot + "</version>"
                + "<executions><execution><goals><goal>repackage</goal></goals>"
                + "<configuration><mainClass>app.Main</mainClass></configuration></execution></executions>"
                + "</plugin>\n");
    }

    /**
     * Builds app.Main, which mounts the overlay of its first two arguments on its third and
     * prints the class loader and the Overlay class it ran with, depending on overlay4j and
     * packaged by the plugin given; returns the jar.
     */
    private Path app(String release, String packagingPlugin) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("app/src/main/java/app"));
        Files.write(src.resolve("Main.java"), ("package app;\n"
                + "import io.overlay4j.*;\n"
                + "import java.nio.file.*;\n"
                + "public class Main { public static void main(String[] a) throws Exception {\n"
                + "  try (OverlayMount m = Overlay.builder().lowerdirs(Paths.get(a[0]), Paths.get(a[1])).build()\n"
                + "      .mount(Paths.get(a[2]))) {\n"
                + "    System.out.println(Main.class.getClassLoader().getClass().getSimpleName() + \" \"\n"
                + "        + Overlay.class.getName() + \" mounted \"\n"
                + "        + new String(Files.readAllBytes(m.target().resolve(\"hello\")), \"UTF-8\"));\n"
                + "  } } }\n").getBytes(StandardCharsets.UTF_8));
        Files.write(tmp.resolve("app/pom.xml"), ("<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
                + "<modelVersion>4.0.0</modelVersion><groupId>app</groupId><artifactId>app</artifactId>"
                + "<version>1</version>\n"
                + "<properties><maven.compiler.release>" + release + "</maven.compiler.release>"
                + "<project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>\n"
                + "<repositories><repository><id>o4j</id><url>" + repo.toUri() + "</url></repository></repositories>\n"
                + "<dependencies><dependency><groupId>io.overlay4j</groupId><artifactId>overlay4j</artifactId>"
                + "<version>" + version + "</version></dependency></dependencies>\n"
                + "<build><plugins>\n"
                + "<plugin><artifactId>maven-compiler-plugin</artifactId><version>3.14.1</version></plugin>\n"
                + "<plugin><artifactId>maven-jar-plugin</artifactId><version>3.4.2</version></plugin>\n"
                + "<plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>\n"
                + packagingPlugin
                + "</plugins></build></project>\n").getBytes(StandardCharsets.UTF_8));
        maven(tmp.resolve("app"), "package");
        return tmp.resolve("app/target/app-1.jar");
    }

    /** Runs the app (command) on fresh layers: it must mount, print ranWith (loader, Overlay class), unmount. */
    private void assertMounts(String ranWith, String... command) throws Exception {
        Path lower1 = Files.createDirectory(tmp.resolve("lower1"));
        Path lower2 = Files.createDirectory(tmp.resolve("lower2"));
        Path merged = Files.createDirectory(tmp.resolve("merged"));
        Files.write(lower1.resolve("hello"), "from the app".getBytes(StandardCharsets.UTF_8));
        List<String> cmd = new ArrayList<>(Arrays.asList(command));
        cmd.addAll(Arrays.asList(lower1.toString(), lower2.toString(), merged.toString()));
        Processes.Result r = Processes.run(cmd.toArray(new String[0]));
        assertEquals(0, r.exit, r.output);
        assertEquals(ranWith + " mounted from the app\n", r.output);
        assertFalse(Mounts.isMountPoint(merged));
    }

    /** Runs Maven (the one on PATH, as CI has it) in dir, on the JDK that builds. */
    private static void maven(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(Arrays.asList("mvn", "-B", "-q"));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectInput(new File("/dev/null"));
        pb.environment().put("JAVA_HOME", JDK17);
        Processes.Result r = Processes.run(pb);
        assertEquals(0, r.exit, String.join(" ", cmd) + ":\n" + r.output);
    }
}
