# Printed health report (crates/report).
