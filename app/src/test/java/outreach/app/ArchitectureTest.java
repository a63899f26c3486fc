package outreach.app;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dependencies point one way (DESIGN.md section 3): app -> http, persistence, actors -> mail, protocol. */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("outreach");
  }

  @Test
  void protocolKnowsNoOtherModule() {
    noClasses()
        .that().resideInAPackage("outreach.protocol..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("outreach.mail..", "outreach.actors..", "outreach.persistence..", "outreach.http..", "outreach.app..")
        .check(classes);
  }

  @Test
  void mailKnowsNoOtherModuleAndNoAkka() {
    noClasses()
        .that().resideInAPackage("outreach.mail..")
        .should().dependOnClassesThat()
        .resideInAnyPackage(
            "outreach.protocol..", "outreach.actors..", "outreach.persistence..", "outreach.http..", "outreach.app..", "akka..")
        .check(classes);
  }

  @Test
  void actorsDependOnlyOnMailAndProtocol() {
    noClasses()
        .that().resideInAPackage("outreach.actors..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("outreach.persistence..", "outreach.http..", "outreach.app..")
        .check(classes);
  }

  @Test
  void persistenceNeverReachesEntityBehaviourOrHttp() {
    noClasses()
        .that().resideInAPackage("outreach.persistence..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("outreach.actors..", "outreach.http..", "outreach.app..")
        .check(classes);
  }

  @Test
  void httpTalksToEntitiesOnlyThroughProtocol() {
    noClasses()
        .that().resideInAPackage("outreach.http..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("outreach.actors..", "outreach.app..")
        .check(classes);
  }

  @Test
  void modulesHaveNoCycles() {
    slices().matching("outreach.(*)..").should().beFreeOfCycles().check(classes);
  }
}
