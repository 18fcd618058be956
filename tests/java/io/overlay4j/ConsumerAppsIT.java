package io.overlay4j;

import io.overlay4j.testing.MountGuard;
import io.overlay4j.testing.Processes;
import io.overlay4j.testing.Root;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Applications built the ways people build them, with Maven in a scratch directory: a shaded jar
 * that relocates overlay4j (as people do to avoid version clashes), whose shim then binds its
 * natives to the relocated classes, and a Spring Boot fat jar. Each mounts an overlay.
 */
@ExtendWith(MountGuard.class)
class ConsumerAppsIT {
    @TempDir
    Path tmp;

    @Test
    void aRelocatedShadedJarMounts() throws Exception {
        Root.assume();
        String jarName = JarAloneIT.jar().getFileName().toString();
        String version = jarName.substring("overlay4j-".length(), jarName.length() - ".jar".length());
        Path repo = tmp.resolve("repo");
        maven(tmp, "install:install-file", "-Dfile=" + JarAloneIT.jar().toAbsolutePath(), "-DgroupId=io.overlay4j",
                "-DartifactId=overlay4j", "-Dversion=" + version, "-Dpackaging=jar", "-DlocalRepositoryPath=" + repo);

        Path app = Files.createDirectories(tmp.resolve("app/src/main/java/app"));
        Files.write(app.resolve("Main.java"), ("package app;\n"
                + "import io.overlay4j.*;\n"
                + "import java.nio.file.*;\n"
                + "public class Main { public static void main(String[] a) throws Exception {\n"
                + "  Overlay ov = Overlay.builder().lowerdirs(Paths.get(a[0]), Paths.get(a[1])).build();\n"
                + "  try (OverlayMount m = ov.mount(Paths.get(a[2]))) {\n"
                + "    System.out.println(Overlay.class.getName() + \" mounted \" + new String(\n"
                + "        Files.readAllBytes(m.target().resolve(\"hello\")), \"UTF-8\"));\n"
                + "  } } }\n").getBytes(StandardCharsets.UTF_8));
        Files.write(tmp.resolve("app/pom.xml"), ("<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
                + "<modelVersion>4.0.0</modelVersion><groupId>app</groupId><artifactId>app</artifactId>"
                + "<version>1</version>\n"
                + "<properties><maven.compiler.release>8</maven.compiler.release>"
                + "<project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>\n"
                + "<repositories><repository><id>o4j</id><url>" + repo.toUri() + "</url></repository></repositories>\n"
                + "<dependencies><dependency><groupId>io.overlay4j</groupId><artifactId>overlay4j</artifactId>"
                + "<version>" + version + "</version></dependency></dependencies>\n"
                + "<build><plugins>\n"
                + "<plugin><artifactId>maven-compiler-plugin</artifactId><version>3.14.1</version></plugin>\n"
                + "<plugin><artifactId>maven-jar-plugin</artifactId><version>3.4.2</version></plugin>\n"
                + "<plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>\n"
                + "<plugin><artifactId>maven-shade-plugin</artifactId><version>3.6.2</version>\n"
                + "<executions><execution><phase>package</phase><goals><goal>shade</goal></goals>\n"
                + "<configuration><relocations><relocation><pattern>io.overlay4j</pattern>"
                + "<shadedPattern>shaded.o4j.io.overlay4j</shadedPattern></relocation></relocations>"
                + "</configuration></execution></executions></plugin>\n"
                + "</plugins></build></project>\n").getBytes(StandardCharsets.UTF_8));
        maven(tmp.resolve("app"), "package");

        Path lower1 = Files.createDirectory(tmp.resolve("lower1"));
        Path lower2 = Files.createDirectory(tmp.resolve("lower2"));
        Path merged = Files.createDirectory(tmp.resolve("merged"));
        Files.write(lower1.resolve("hello"), "from the shaded jar".getBytes(StandardCharsets.UTF_8));
        Processes.Result r = Processes.run(Processes.java(), "-cp", tmp.resolve("app/target/app-1.jar").toString(),
                "app.Main", lower1.toString(), lower2.toString(), merged.toString());
        assertEquals(0, r.exit, r.output);
        assertEquals("shaded.o4j.io.overlay4j.Overlay mounted from the shaded jar\n", r.output);
        assertFalse(Mounts.isMountPoint(merged));
    }

    /** A Spring Boot 2.7 fat jar (Java 8 and later): overlay4j nested in BOOT-INF/lib. */
    @Test
    void aSpringBoot27FatJarMounts() throws Exception {
        bootApp("2.7.18", "8", Processes.java(), "LaunchedURLClassLoader");
    }

    /**
     * A Spring Boot 3.5 fat jar, read through jar:nested: URLs by Boot's launcher (Boot 3 needs
     * Java 17: the app runs on the JDK that builds, on a Java 8 test run too).
     */
    @Test
    void aSpringBoot35FatJarMounts() throws Exception {
        String jdk17 = Paths.get(System.getProperty("build.java.home", System.getProperty("java.home")), "bin", "java")
                .toString();
        bootApp("3.5.7", "17", jdk17, "LaunchedClassLoader");
    }

    /** Builds a Boot application of that version with overlay4j, runs it with java, and checks it mounts. */
    private void bootApp(String boot, String release, String java, String loader) throws Exception {
        Root.assume();
        String jarName = JarAloneIT.jar().getFileName().toString();
        String version = jarName.substring("overlay4j-".length(), jarName.length() - ".jar".length());
        Path repo = tmp.resolve("repo");
        maven(tmp, "install:install-file", "-Dfile=" + JarAloneIT.jar().toAbsolutePath(), "-DgroupId=io.overlay4j",
                "-DartifactId=overlay4j", "-Dversion=" + version, "-Dpackaging=jar", "-DlocalRepositoryPath=" + repo);
        Path app = Files.createDirectories(tmp.resolve("boot/src/main/java/app"));
        Files.write(app.resolve("Main.java"), ("package app;\n"
                + "import io.overlay4j.*;\n"
                + "import java.nio.file.*;\n"
                + "public class Main { public static void main(String[] a) throws Exception {\n"
                + "  try (OverlayMount m = Overlay.builder().lowerdirs(Paths.get(a[0]), Paths.get(a[1])).build()\n"
                + "      .mount(Paths.get(a[2]))) {\n"
                + "    System.out.println(Main.class.getClassLoader().getClass().getSimpleName() + \" mounted \"\n"
                + "        + new String(Files.readAllBytes(m.target().resolve(\"hello\")), \"UTF-8\"));\n"
                + "  } } }\n").getBytes(StandardCharsets.UTF_8));
        Files.write(tmp.resolve("boot/pom.xml"), ("<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
                + "<modelVersion>4.0.0</modelVersion><groupId>app</groupId><artifactId>boot</artifactId>"
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
                + "<plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId>"
                + "<version>" + boot + "</version><executions><execution><goals><goal>repackage</goal></goals>"
                + "<configuration><mainClass>app.Main</mainClass></configuration></execution></executions></plugin>\n"
                + "</plugins></build></project>\n").getBytes(StandardCharsets.UTF_8));
        maven(tmp.resolve("boot"), "package");
        Path lower1 = Files.createDirectory(tmp.resolve("lower1"));
        Path lower2 = Files.createDirectory(tmp.resolve("lower2"));
        Path merged = Files.createDirectory(tmp.resolve("merged"));
        Files.write(lower1.resolve("hello"), "from the fat jar".getBytes(StandardCharsets.UTF_8));
        Processes.Result r = Processes.run(java, "-jar", tmp.resolve("boot/target/boot-1.jar").toString(),
                lower1.toString(), lower2.toString(), merged.toString());
        assertEquals(0, r.exit, r.output);
        assertEquals(loader + " mounted from the fat jar\n", r.output);
        assertFalse(Mounts.isMountPoint(merged));
    }

    /** Runs Maven (the one on PATH, as CI has it) in dir, offline when what it needs is cached. */
    private static void maven(Path dir, String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add("mvn");
        cmd.add("-B");
        cmd.add("-q");
        cmd.addAll(java.util.Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectInput(new File("/dev/null"));
        // The JDK that builds, not a Java 8 JRE the tests may run on.
        pb.environment().put("JAVA_HOME", System.getProperty("build.java.home", System.getProperty("java.home")));
        Processes.Result r = Processes.run(pb);
        assertEquals(0, r.exit, String.join(" ", cmd) + ":\n" + r.output);
    }
}
