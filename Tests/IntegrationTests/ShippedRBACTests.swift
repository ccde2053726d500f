import Demo
import TestKit
import Testing

extension Integration {
    @Suite struct ShippedRBACText {
        @Test("the demo's embedded policy is deploy/kubernetes/rbac.yaml (else run scripts/generate-shipped-rbac.sh)")
        func embeddedEqualsFile() {
            let file = RepositoryFile.text("deploy/kubernetes/rbac.yaml")
            #expect(!file.isEmpty)
            #expect(ShippedRBAC.yaml == file, "run scripts/generate-shipped-rbac.sh")
        }
    }
}
