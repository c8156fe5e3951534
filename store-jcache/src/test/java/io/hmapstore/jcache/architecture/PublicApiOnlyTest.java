package io.hmapstore.jcache.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The JCache provider sits on the store's public API only (docs/DESIGN.md's module table): nothing in
 * {@code io.hmapstore.jcache} names the table's internals, so the store's insides can change without it.
 */
class PublicApiOnlyTest {

    @Test
    void theProvider_usesThePublicApiOnly() {
        noClasses().that().resideInAPackage("io.hmapstore.jcache..")
                .should().dependOnClassesThat().resideInAPackage("io.hmapstore.table..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.hmapstore.jcache", "io.hmapstore.table"));
    }
}
