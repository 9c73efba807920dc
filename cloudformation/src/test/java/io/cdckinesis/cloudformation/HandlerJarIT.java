package io.cdckinesis.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The handler classes the template names are in the jar the build produces
 * (cdc-lambda-adapters/target/cdc-lambda.jar, packaged before this module's integration tests).
 */
class HandlerJarIT {

  @Test
  void everyClassTheTemplateNamesIsInTheDeployableJar() {
    CfnTemplate template = CfnTemplate.projectTemplate();
    assertThat(
            HandlerJarCheck.check(
                HandlerJarCheck.projectJarPath(), HandlerJarCheck.namedClasses(template)))
        .isEmpty();
  }
}
